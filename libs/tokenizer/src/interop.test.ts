// Interoperability with Hugging Face tokenizers: the saved tokenizer.json must give the same ids
// in Hugging Face's Rust implementation (what Python runs; here through the native Node binding
// @anush008/tokenizers) and in @huggingface/tokenizers (pure JS), and our trainer must learn the
// same merges as Hugging Face's BpeTrainer.
import { Tokenizer as JsTokenizer } from '@huggingface/tokenizers';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PRE_TOKENIZER_JSON, trainBpe, type BpeTokenizer } from './index.js';
import { syntheticCorpus } from './test-corpus.js';

type RustBinding = typeof import('@anush008/tokenizers');

function loadRustBinding(): RustBinding {
  try {
    return createRequire(import.meta.url)('@anush008/tokenizers') as RustBinding;
  } catch (error) {
    throw new Error(
      `the Rust Hugging Face tokenizers binding @anush008/tokenizers (a devDependency of libs/tokenizer, with prebuilt ` +
        `binaries for ${process.platform}-${process.arch} from the npm registry) cannot be loaded: ${(error as Error).message}. ` +
        'Reinstall the workspace dependencies (npm install) to get it.',
    );
  }
}

/** Text that exercises every path: words seen and unseen, Unicode, specials, odd whitespace. */
const PROBES = [
  'Kaloti mine, suta! The quing and... ri?',
  'Unseen: zebra XYZ 12345 café naïve Ελληνικά 日本語 e\u0301 🙂🙂 ²³ ½ a_b',
  '<s>kalo [MASK] mi</s> [PAD][UNK] x<s>y </s',
  'tabs\tand\u00A0no-break\u3000spaces\r\nand\u2028lines \uFEFFbom',
  '',
  '   ',
  'ééé.... ,,, \'\'\' "quoted" (paren) [bracket] {brace} <angle>',
];

describe('interop with Hugging Face tokenizers', () => {
  // The corpus has the probes' rarer characters too, so that a wrong split cannot hide behind [UNK].
  const corpus = [...syntheticCorpus(300, 3), 'Ελληνικά 日本語 café naïve! 123 456 a_b ²³½ e\u0301 🙂 \uFEFF (x) [y] {z} <w> "q"'];
  let folder: string;
  let ours: BpeTokenizer;
  let json: Record<string, unknown>;
  const probes = [...PROBES, ...syntheticCorpus(40, 5)];

  before(async () => {
    folder = await mkdtemp(join(tmpdir(), 'tokenizer-interop-'));
    ours = await trainBpe(corpus, { vocabSize: 400 });
    const path = join(folder, 'tokenizer.json');
    await ours.save(path);
    json = JSON.parse(await readFile(path, 'utf8'));
  });
  after(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('the Rust implementation loads tokenizer.json and gives the same ids and decoded text', async () => {
    const rust = loadRustBinding().Tokenizer.fromFile(join(folder, 'tokenizer.json'));
    assert.equal(rust.getVocabSize(true), ours.vocabSize);
    for (const text of probes) {
      const ids = (await rust.encode(text)).getIds();
      assert.deepEqual(Array.from(ours.encode(text)), ids, `ids of ${JSON.stringify(text)}`);
      assert.equal(ours.decode(ids), await rust.decode(ids, false), `decoding of ${JSON.stringify(text)}`);
      assert.equal(ours.decode(ids, { skipSpecialTokens: true }), await rust.decode(ids, true));
    }
  });

  it('@huggingface/tokenizers loads tokenizer.json and gives the same ids', () => {
    const js = new JsTokenizer(json, {});
    for (const text of probes) {
      assert.deepEqual(Array.from(ours.encode(text)), js.encode(text, { add_special_tokens: true }).ids, `ids of ${JSON.stringify(text)}`);
    }
  });

  it('the trainer learns the same merges as the Rust BpeTrainer (no suffix, which Rust numbers deterministically)', async () => {
    const corpusPath = join(folder, 'corpus.txt');
    await writeFile(corpusPath, corpus.join('\n'));
    const untrained = {
      version: '1.0',
      added_tokens: [],
      normalizer: null,
      pre_tokenizer: PRE_TOKENIZER_JSON,
      post_processor: null,
      decoder: null,
      model: { type: 'BPE', unk_token: '[UNK]', vocab: {}, merges: [] },
    };
    // The binding trains with BpeTrainer's defaults: 30,000 tokens, no special tokens.
    const rust = loadRustBinding().Tokenizer.fromString(JSON.stringify(untrained));
    rust.train([corpusPath]);
    const rustPath = join(folder, 'rust.json');
    rust.save(rustPath);
    const rustMerges = (JSON.parse(await readFile(rustPath, 'utf8')).model.merges as (string | string[])[]).map((merge) => (typeof merge === 'string' ? merge.split(' ') : merge));
    const ourMerges = (await trainBpe(corpus, { vocabSize: 30_005, endOfWordSuffix: '' })).spec.merges;
    assert.ok(rustMerges.length > 100, `Rust learned only ${rustMerges.length} merges`);
    assert.deepEqual(ourMerges, rustMerges);
  });
});
