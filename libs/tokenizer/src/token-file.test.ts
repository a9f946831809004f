import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { readTokenFile, writeTokenFile } from './token-file.js';
import { trainBpe } from './train.js';

describe('token files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'downscale-tokens-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('stores each text\'s ids followed by </s>, and reads them back', async () => {
    const texts = ['the cat sat', 'on the mat', 'the cat'];
    const tokenizer = await trainBpe(texts, { vocabSize: 40 });
    const path = join(dir, 'tokens.bin');
    const summary = await writeTokenFile(path, tokenizer, texts);
    const expected = texts.flatMap((t) => [...tokenizer.encode(t), tokenizer.specialTokenIds.eos]);
    assert.deepEqual(summary, { dtype: 'uint16', tokens: expected.length, texts: 3, vocabSize: tokenizer.vocabSize, eosId: tokenizer.specialTokenIds.eos });
    const { ids } = await readTokenFile(path);
    assert.deepEqual([...ids], expected);
  });

  it('refuses a file that does not match its description', async () => {
    const tokenizer = await trainBpe(['a b'], { vocabSize: 10 });
    const path = join(dir, 'short.bin');
    await writeTokenFile(path, tokenizer, ['a b a b']);
    writeFileSync(path, Buffer.from([1, 0]));
    await assert.rejects(readTokenFile(path), /has 2 bytes, its description says \d+ uint16 tokens; prepare the corpus again/);
  });
});
