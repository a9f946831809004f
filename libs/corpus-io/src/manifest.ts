/**
 * `manifest.json` of a corpus output folder: what the run was made from. A run resumes only
 * into a folder whose manifest has the same fingerprint (same input files, sizes and
 * modification times, vocabulary, filter options and shard size); the finished shards are
 * those whose stats file exists (see shard.ts).
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import type { InputFile } from './input-files.js';

export const MANIFEST_FILE = 'manifest.json';

export interface ManifestInput {
  readonly path: string;
  readonly bytes: number;
  readonly modifiedMs: number;
}

export interface Manifest {
  readonly version: 1;
  readonly kind: 'simplified' | 'regular';
  /** Hash of every field below except `completed`. */
  readonly fingerprint: string;
  readonly inputs: ManifestInput[];
  readonly settings: Record<string, unknown>;
  /** Set once every shard is written and merged: how many shards there are. */
  readonly completed?: { readonly shards: number };
}

/** The manifest a run with these inputs and settings writes (not yet completed). */
export async function plannedManifest(kind: Manifest['kind'], files: readonly InputFile[], settings: Record<string, unknown>): Promise<Manifest> {
  const inputs = await Promise.all(
    files.map(async ({ path }) => {
      const info = await stat(path);
      return { path, bytes: info.size, modifiedMs: Math.trunc(info.mtimeMs) };
    }),
  );
  const fingerprint = createHash('sha256').update(JSON.stringify({ kind, inputs, settings })).digest('hex');
  return { version: 1, kind, fingerprint, inputs, settings };
}

/** The manifest in `outDir`, or undefined when there is none. */
export async function readManifest(outDir: string): Promise<Manifest | undefined> {
  const path = join(outDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as Manifest;
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); delete the output folder or pass restart to start over`);
  }
}

export async function writeManifest(outDir: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

const vocabularyHashes = new WeakMap<ReadonlySet<string>, string>();

/** Hash of a vocabulary's words, so that a changed vocabulary is a different run; kept per set, which is taken as unchanged. */
export function vocabularyHash(words: ReadonlySet<string>): string {
  let hash = vocabularyHashes.get(words);
  if (hash === undefined) {
    hash = createHash('sha256').update([...words].sort().join('\n')).digest('hex');
    vocabularyHashes.set(words, hash);
  }
  return hash;
}
