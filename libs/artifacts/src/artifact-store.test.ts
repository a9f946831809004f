import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ArtifactError, ArtifactStore } from './artifact-store.js';

describe('ArtifactStore', () => {
  const root = mkdtempSync(join(tmpdir(), 'downscale-artifacts-'));
  const store = new ArtifactStore(root);
  after(() => rmSync(root, { recursive: true, force: true }));

  it('stores a file under a portable URI and reads it back', async () => {
    const uri = await store.putFile('tokenizers/abc/tokenizer.json', '{"a":1}');
    assert.equal(uri, 'artifact://tokenizers/abc/tokenizer.json');
    assert.equal((await store.readFile(uri)).toString(), '{"a":1}');
    assert.equal(store.path(uri), join(root, 'tokenizers/abc/tokenizer.json'));
    assert.ok(await store.exists(uri));
  });

  it('publishes a folder only when it is complete, replacing the previous one', async () => {
    await store.putDirectory('checkpoints/run-1', async (dir) => writeFileSync(join(dir, 'old.bin'), 'old'));
    await assert.rejects(
      store.putDirectory('checkpoints/run-1', async (dir) => {
        writeFileSync(join(dir, 'new.bin'), 'half');
        throw new Error('disk full');
      }),
      /disk full/,
    );
    assert.deepEqual(readdirSync(join(root, 'checkpoints')), ['run-1'], 'no partial folder is left behind');
    assert.deepEqual(readdirSync(join(root, 'checkpoints/run-1')), ['old.bin'], 'a failed write keeps the previous artifact');
    await store.putDirectory('checkpoints/run-1', async (dir) => writeFileSync(join(dir, 'new.bin'), 'new'));
    assert.deepEqual(readdirSync(join(root, 'checkpoints/run-1')), ['new.bin']);
  });

  it('hashes folders by names and contents', async () => {
    const a = await store.putDirectory('h/a', async (dir) => writeFileSync(join(dir, 'x'), '1'));
    const b = await store.putDirectory('h/b', async (dir) => writeFileSync(join(dir, 'x'), '1'));
    const c = await store.putDirectory('h/c', async (dir) => writeFileSync(join(dir, 'y'), '1'));
    assert.equal(await store.sha256(a), await store.sha256(b));
    assert.notEqual(await store.sha256(a), await store.sha256(c));
    assert.match(await store.sha256(a), /^[0-9a-f]{64}$/);
  });

  it('refuses keys that would leave the store, and names a missing artifact', async () => {
    for (const key of ['../etc/passwd', '/abs', 'a//b', '']) assert.throws(() => store.uri(key), ArtifactError);
    await assert.rejects(store.readFile('artifact://missing/file'), /artifact artifact:\/\/missing\/file cannot be read at .*ENOENT.*ARTIFACT_ROOT/);
  });
});
