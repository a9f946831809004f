import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Artifacts are named by URIs relative to the store root, so a shared volume mounted anywhere reads the same. */
const scheme = 'artifact://';

export class ArtifactError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArtifactError';
  }
}

/**
 * Tokenizers, corpora and checkpoints on a filesystem (a local folder, or a volume shared by
 * the pods of a cluster). Writes are atomic: a reader never sees half an artifact, and a
 * crash mid-write leaves only a temporary folder that the next write of that key replaces.
 */
export class ArtifactStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  uri(key: string): string {
    return `${scheme}${checkedKey(key)}`;
  }

  /** The local path of an artifact URI (or key). */
  path(uriOrKey: string): string {
    const key = uriOrKey.startsWith(scheme) ? uriOrKey.slice(scheme.length) : uriOrKey;
    return join(this.root, checkedKey(key));
  }

  async exists(uriOrKey: string): Promise<boolean> {
    return stat(this.path(uriOrKey)).then(
      () => true,
      () => false,
    );
  }

  /**
   * Publishes a folder under `key`: `fill` writes into a fresh temporary folder, which then
   * replaces whatever was stored under that key. Returns the artifact's URI.
   */
  async putDirectory(key: string, fill: (dir: string) => Promise<void>): Promise<string> {
    const target = this.path(key);
    const staging = `${target}.partial-${randomUUID()}`;
    await mkdir(staging, { recursive: true });
    try {
      await fill(staging);
      await rm(target, { recursive: true, force: true });
      await rename(staging, target);
    } catch (error) {
      await rm(staging, { recursive: true, force: true });
      throw error;
    }
    return this.uri(key);
  }

  /** Stores a copy of a local folder under `key`. */
  async importDirectory(key: string, source: string): Promise<string> {
    return this.putDirectory(key, (dir) => cp(source, dir, { recursive: true }));
  }

  /** Writes one file atomically (temporary name, then rename). */
  async putFile(key: string, data: string | Uint8Array): Promise<string> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const staging = `${target}.partial-${randomUUID()}`;
    try {
      await writeFile(staging, data);
      await rename(staging, target);
    } catch (error) {
      // A full or failing disk leaves no half-written file behind.
      await rm(staging, { force: true });
      throw error;
    }
    return this.uri(key);
  }

  async readFile(uriOrKey: string): Promise<Buffer> {
    const path = this.path(uriOrKey);
    return readFile(path).catch((error: NodeJS.ErrnoException) => {
      throw new ArtifactError(`artifact ${uriOrKey} cannot be read at ${path}: ${error.code ?? error.message}; is ARTIFACT_ROOT the same volume the writer used?`);
    });
  }

  async remove(uriOrKey: string): Promise<void> {
    await rm(this.path(uriOrKey), { recursive: true, force: true });
  }

  /** sha256 of a file, or of a folder's files (relative names and contents, in name order). */
  async sha256(uriOrKey: string): Promise<string> {
    const path = this.path(uriOrKey);
    const hash = createHash('sha256');
    const info = await stat(path);
    const files = info.isDirectory() ? await filesUnder(path) : [path];
    for (const file of files) {
      if (info.isDirectory()) hash.update(`${relative(path, file).split(sep).join('/')}\0`);
      for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
    }
    return hash.digest('hex');
  }
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : Promise.resolve([join(dir, entry.name)]))),
  );
  return nested.flat().sort();
}

/** Keys are relative, slash-separated, without `..`: an artifact can never escape the store. */
function checkedKey(key: string): string {
  const parts = key.split('/');
  if (key.length === 0 || isAbsolute(key) || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new ArtifactError(`artifact key ${JSON.stringify(key)} is not a relative path like "corpora/<hash>"`);
  }
  return key;
}
