import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ArtifactStore } from '@downscale/artifacts';

export const CHECKPOINT_FILE = 'checkpoint.safetensors';
export const TOKENIZER_FILE = 'tokenizer.json';

/** Named as the trainer names them in the artifact store, so that both layouts are read alike. */
export const stepFolderName = (step: number) => `step-${String(step).padStart(9, '0')}`;

/** The step-N folders directly in `dir`, by ascending step. */
export async function stepFolders(dir: string): Promise<{ step: number; path: string }[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .flatMap((entry) => {
      const match = entry.isDirectory() ? /^step-(\d+)$/.exec(entry.name) : null;
      return match ? [{ step: Number(match[1]), path: join(dir, entry.name) }] : [];
    })
    .sort((a, b) => a.step - b.step);
}

/**
 * The checkpoint file a path names: the file itself, the checkpoint.safetensors in a folder,
 * or, in a run folder of step-N folders, the newest step's.
 */
export async function findCheckpointFile(path: string): Promise<string> {
  const absolute = resolve(path);
  const info = await stat(absolute).catch(() => undefined);
  if (!info) throw new Error(`checkpoint ${absolute} does not exist; pass a checkpoint folder (or its ${CHECKPOINT_FILE})`);
  if (info.isFile()) return absolute;
  if (existsSync(join(absolute, CHECKPOINT_FILE))) return join(absolute, CHECKPOINT_FILE);
  const newest = (await stepFolders(absolute)).at(-1);
  if (newest && existsSync(join(newest.path, CHECKPOINT_FILE))) return join(newest.path, CHECKPOINT_FILE);
  throw new Error(`${absolute} holds neither ${CHECKPOINT_FILE} nor step-N folders with one; pass a folder that downscale train, import or the trainer wrote`);
}

/** tokenizer.json beside a checkpoint file or in its run folder (where downscale train writes it). */
export function tokenizerBeside(checkpointFile: string): string | undefined {
  const folder = dirname(checkpointFile);
  return [join(folder, TOKENIZER_FILE), join(dirname(folder), TOKENIZER_FILE)].find((path) => existsSync(path));
}

/**
 * The tokenizer a checkpoint names in its metadata: the trainer service records its artifact
 * URI (`tokenizer`, relative to the artifact store's root) and `tokenizerSha256`. The root is
 * found by walking up from the checkpoint file, so a store copied or mounted anywhere works;
 * the store refuses a URI that would lead out of it. A file that no longer matches the
 * recorded hash is refused.
 */
export async function tokenizerFromMetadata(checkpointFile: string, metadata: Readonly<Record<string, string>>): Promise<string | undefined> {
  const uri = metadata.tokenizer;
  if (uri === undefined) return undefined;
  for (let dir = dirname(checkpointFile); ; dir = dirname(dir)) {
    const candidate = new ArtifactStore(dir).path(uri);
    if (existsSync(candidate)) {
      const sha256 = createHash('sha256').update(await readFile(candidate)).digest('hex');
      if (metadata.tokenizerSha256 !== undefined && sha256 !== metadata.tokenizerSha256) {
        throw new Error(`${candidate} is not the tokenizer this checkpoint was trained with (sha256 ${sha256}, the checkpoint records ${metadata.tokenizerSha256}); pass --tokenizer with the right tokenizer.json`);
      }
      return candidate;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

/** Refuses an output folder that is the input folder, however the two paths are spelled. */
export function requireDistinctOut(input: string, out: string, inputFlag: string): void {
  if (resolve(input) === resolve(out)) throw new Error(`--out ${resolve(out)} is the ${inputFlag} folder itself; write to another folder`);
}
