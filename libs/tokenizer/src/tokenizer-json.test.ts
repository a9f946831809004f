import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TokenizerFileError, loadTokenizer, tokenizerFromJson, trainBpe } from './index.js';

describe('loadTokenizer: files it cannot read', () => {
  let folder: string;
  let valid: Record<string, unknown>;
  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tokenizer-json-'));
    valid = (await trainBpe(['low lower lowest newer wider'], { vocabSize: 40 })).toJSON();
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  /** A copy of the valid document with `edit` applied to it. */
  function edited(edit: (json: Record<string, unknown> & { model: Record<string, unknown> }) => void): unknown {
    const copy = JSON.parse(JSON.stringify(valid));
    edit(copy);
    return copy;
  }

  async function loadError(name: string, content: string): Promise<TokenizerFileError> {
    const path = join(folder, name);
    await writeFile(path, content);
    const error = await loadTokenizer(path).then(
      () => assert.fail(`${name} loaded`),
      (caught: unknown) => caught,
    );
    assert.ok(error instanceof TokenizerFileError);
    assert.ok(error.message.startsWith(`${path}: `), error.message);
    return error;
  }

  it('names the file and the model type when it is not BPE', async () => {
    const error = await loadError('wordpiece.json', JSON.stringify(edited((json) => (json.model.type = 'WordPiece'))));
    assert.match(error.message, /model type "WordPiece" is not supported; only BPE/);
  });

  it('names the file when it is not JSON, missing, or not a tokenizer', async () => {
    assert.match((await loadError('broken.json', '{"model": ')).message, /not valid JSON/);
    assert.match((await loadError('array.json', '[]')).message, /expected a JSON object/);
    assert.match((await loadError('empty.json', '{}')).message, /no "model" object/);
    const missing = join(folder, 'missing.json');
    await assert.rejects(loadTokenizer(missing), (error: Error) => error.message.startsWith(`${missing}: cannot read the file`));
  });

  it('refuses settings it would encode differently from Hugging Face', () => {
    const cases: [string, unknown, RegExp][] = [
      ['Whitespace', edited((json) => (json.pre_tokenizer = { type: 'Whitespace' })), /pre_tokenizer \{"type":"Whitespace"\} is not supported/],
      ['lowercase', edited((json) => (json.normalizer = { type: 'Lowercase' })), /normalizer .* not supported/],
      ['prefix', edited((json) => (json.model.continuing_subword_prefix = '##')), /model.continuing_subword_prefix "##" is not supported/],
      ['byte fallback', edited((json) => (json.model.byte_fallback = true)), /model.byte_fallback true/],
      ['decoder', edited((json) => (json.decoder = null)), /decoder null is not supported/],
    ];
    for (const [name, json, message] of cases) {
      assert.throws(() => tokenizerFromJson(json, `${name}.json`), (error: Error) => error instanceof TokenizerFileError && error.message.startsWith(`${name}.json: `) && message.test(error.message));
    }
  });

  it('reports a broken vocabulary, merge or special token', () => {
    const cases: [unknown, RegExp][] = [
      [edited((json) => ((json.model.vocab as Record<string, number>)['<s>'] = 0)), /id 0 is used by both/],
      [edited((json) => ((json.model.vocab as Record<string, number>).extra = 1000)), /ids are not contiguous/],
      [edited((json) => (json.model.merges as string[]).push('l zz')), /merge \d+ \("l" "zz"\) uses "zz", which is not in the vocabulary/],
      [edited((json) => (json.model.merges as unknown[]).push(7)), /model.merges\[\d+\] is 7/],
      [edited((json) => (json.added_tokens as unknown[]).splice(2, 1)), /special token \[MASK\] is missing/],
    ];
    for (const [json, message] of cases) assert.throws(() => tokenizerFromJson(json, 'x.json'), message);
  });

  it('reads merges written as pairs, the format of tokenizers 0.20 and later', () => {
    const pairs = edited((json) => (json.model.merges = (json.model.merges as string[]).map((merge) => merge.split(' '))));
    assert.deepEqual(tokenizerFromJson(pairs).spec, tokenizerFromJson(valid).spec);
  });
});
