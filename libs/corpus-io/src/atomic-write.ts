/** Writes that are all or nothing: a reader (or a resumed run) sees the old file or the new one. */
import { rename, writeFile } from 'node:fs/promises';

/** Writes `content` to `path` through `path.tmp-<pid>` and a rename. */
export async function writeFileAtomic(path: string, content: string | Uint8Array): Promise<void> {
  const temporary = `${path}.tmp-${process.pid}`;
  await writeFile(temporary, content);
  await rename(temporary, path);
}
