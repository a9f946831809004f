/** Writes that are all or nothing: a reader (or a resumed run) sees the old file or the new one. */
import { randomUUID } from 'node:crypto';
import { rename, writeFile } from 'node:fs/promises';

/**
 * Writes `content` to `path` through a temporary file and a rename. The temporary name is
 * unique per write, so writers on other machines sharing the volume (each may be pid 1) never
 * write into each other's file.
 */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = `${path}.tmp-${randomUUID()}`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}
