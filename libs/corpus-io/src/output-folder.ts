/** The output folder of a sharded corpus run: claiming it for a run, and joining shard files. */
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { readManifest, writeManifest, type Manifest } from './manifest.js';
import { SHARDS_FOLDER } from './shard.js';

/** Creates `outDir`; refuses (or with `restart` clears) the output of a different run. */
export async function prepareOutDir(outDir: string, manifest: Manifest, restart: boolean): Promise<void> {
  const existing = await readManifest(outDir);
  if (existing && existing.fingerprint !== manifest.fingerprint) {
    if (!restart) {
      throw new Error(
        `${outDir} holds the output of a run with other inputs or settings (manifest.json differs); pass another output folder, or restart (--restart) to replace it`,
      );
    }
    await rm(outDir, { recursive: true, force: true });
  }
  await mkdir(join(outDir, SHARDS_FOLDER), { recursive: true });
  if (!existing || existing.fingerprint !== manifest.fingerprint) await writeManifest(outDir, manifest);
}

/** Writes the files one after the other into `target` (through a temporary file). */
export async function concatenateFiles(sources: readonly string[], target: string): Promise<void> {
  const temporary = `${target}.tmp-${process.pid}`;
  const output = await open(temporary, 'w');
  try {
    // Streamed: a shard can be as large as one input file.
    for (const source of sources) for await (const chunk of createReadStream(source, { highWaterMark: 1 << 20 })) await output.write(chunk as Buffer);
  } finally {
    await output.close();
  }
  await rename(temporary, target);
}
