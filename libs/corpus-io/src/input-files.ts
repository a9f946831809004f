/**
 * Expands corpus inputs (files, directories, glob patterns) into the ordered list of files
 * to read. The order is sorted by path, so that a corpus reads the same way every time
 * (shards and resumption depend on it).
 */
import { stat } from 'node:fs/promises';
import { resolve, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';

export type InputFormat = 'txt' | 'jsonl' | 'jsonl.zst' | 'parquet';

export interface InputFile {
  readonly path: string;
  readonly format: InputFormat;
}

const FORMAT_BY_SUFFIX: readonly (readonly [string, InputFormat])[] = [
  ['.jsonl.zst', 'jsonl.zst'],
  ['.jsonl', 'jsonl'],
  ['.parquet', 'parquet'],
  ['.txt', 'txt'],
];

/** The format of a corpus file from its name, or undefined for a file that is not one. */
export function inputFormat(path: string): InputFormat | undefined {
  const lower = path.toLowerCase();
  return FORMAT_BY_SUFFIX.find(([suffix]) => lower.endsWith(suffix))?.[1];
}

/**
 * Files named by `inputs`: a file is taken as is (its extension must be a known one), a
 * directory contributes every known-format file below it, a glob every match of a known format.
 */
export async function resolveInputFiles(inputs: string | readonly string[]): Promise<InputFile[]> {
  const paths = new Set<string>();
  for (const input of typeof inputs === 'string' ? [inputs] : inputs) {
    for (const path of await expandInput(input)) paths.add(path);
  }
  const files: InputFile[] = [];
  for (const path of [...paths].sort()) {
    const format = inputFormat(path);
    if (format) files.push({ path, format });
  }
  return files;
}

async function expandInput(input: string): Promise<string[]> {
  if (isDynamicPattern(input)) {
    const matches = await glob(input, { absolute: true, onlyFiles: true });
    if (matches.length === 0) throw new Error(`corpus input ${input}: the pattern matches no file; check the path and quoting`);
    return matches;
  }
  const path = resolve(input);
  const info = await stat(path).catch(() => {
    throw new Error(`corpus input ${input}: no such file or directory`);
  });
  if (info.isDirectory()) {
    return glob(['**/*.txt', '**/*.jsonl', '**/*.jsonl.zst', '**/*.parquet'], { cwd: path, absolute: true, onlyFiles: true, caseSensitiveMatch: false });
  }
  if (!inputFormat(path)) {
    throw new Error(`corpus input ${input}: unknown format; expected .txt, .jsonl, .jsonl.zst or .parquet`);
  }
  return [path];
}

/**
 * The input files of a run writing to `outDir`, without the files inside `outDir` (an output
 * folder within an input directory must not be read back as input when a run resumes).
 */
export async function resolveRunInputs(inputs: string | readonly string[], outDir: string): Promise<InputFile[]> {
  const outPrefix = resolve(outDir) + sep;
  const files = (await resolveInputFiles(inputs)).filter((file) => !file.path.startsWith(outPrefix));
  if (files.length === 0) throw new Error(`corpus inputs ${JSON.stringify(inputs)} hold no .txt, .jsonl, .jsonl.zst or .parquet file`);
  return files;
}
