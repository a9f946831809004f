import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readHuggingFaceDir, selectBackend } from '@downscale/model';
import { train, type TrainFlags, type TrainReport } from './commands/train.js';
import { repoRoot } from './stack/paths.js';

const cli = join(repoRoot, 'apps', 'cli', 'bin', 'downscale.mjs');
const downscale = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' });

const WORDS = 'the cat sat on a mat and the dog ran to the big red ball while a bird sang in the tall green tree'.split(' ');

/** About 15 kB of short sentences from a small vocabulary, the same every time. */
function tinyCorpus(): string {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % WORDS.length;
  return Array.from({ length: 300 }, () => `${Array.from({ length: 12 }, () => WORDS[next()]).join(' ')}.`).join('\n');
}

describe('downscale train', () => {
  const dir = mkdtempSync(join(tmpdir(), 'downscale-train-'));
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, tinyCorpus());
  const run = join(dir, 'run');
  // 8 steps of 4 x 16 tokens of a 16-wide, 1-layer model.
  const tiny = ['--hidden', '16', '--layers', '1', '--heads', '2', '--context', '16', '--batch', '4', '--seed', '3', '--backend', 'cpu'];

  before(async () => assert.equal(await selectBackend('cpu'), 'cpu'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('trains a text corpus with a progress line and writes checkpoints that export to Hugging Face', async () => {
    const result = downscale('train', '--corpus', corpus, '--vocab-size', '100', '--tokens', '512', '--out', run, '--json', ...tiny);
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /^step 8\/8 \| loss \d+\.\d{4} \| eval \d+\.\d{4} \| [\d,]+ tokens\/s \| ETA \d+s$/m);
    const report = JSON.parse(result.stdout) as TrainReport;
    assert.equal(report.status, 'completed');
    assert.equal(report.steps, 8);
    assert.equal(report.tokens, 512);
    assert.equal(report.checkpoint, join(run, 'step-000000008'));
    assert.ok(existsSync(join(run, 'tokenizer.json')));

    const hf = join(dir, 'hf');
    const exported = downscale('export', '--checkpoint', run, '--out', hf);
    assert.equal(exported.status, 0, exported.stderr);
    assert.equal(readFileSync(join(hf, 'tokenizer.json'), 'utf8'), readFileSync(join(run, 'tokenizer.json'), 'utf8'));
    const model = await readHuggingFaceDir(hf);
    const vocabulary = (JSON.parse(readFileSync(join(run, 'tokenizer.json'), 'utf8')) as { model: { vocab: object } }).model.vocab;
    assert.equal(model.config.vocabSize, Object.keys(vocabulary).length, 'the model is sized to the tokenizer it trained');
    model.dispose();
  });

  it('trains on a prepared corpus: the token file and tokenizer a text run left', async () => {
    const again = join(dir, 'again');
    const report = await train({ corpus: run, out: again, hidden: 16, layers: 1, heads: 2, context: 16, batch: 4, tokens: 128, seed: 3, backend: 'cpu' });
    assert.equal(report.steps, 2);
    assert.equal(readFileSync(join(again, 'tokenizer.json'), 'utf8'), readFileSync(join(run, 'tokenizer.json'), 'utf8'));
  });

  it('resumes a stopped run from its newest checkpoint and ends exactly where the uninterrupted run ended', async () => {
    const resumed = join(dir, 'resumed');
    cpSync(run, resumed, { recursive: true });
    // As if stopped after the first checkpoint: every later step folder is gone.
    const [first, ...later] = readdirSync(resumed).filter((name) => name.startsWith('step-')).sort();
    assert.ok(first && later.length > 0, 'the run saved more than one checkpoint');
    for (const name of later) rmSync(join(resumed, name), { recursive: true });
    const report = await train({ corpus, out: resumed, hidden: 16, layers: 1, heads: 2, context: 16, batch: 4, tokens: 512, vocabSize: 100, seed: 3, backend: 'cpu' });
    assert.equal(report.status, 'completed');
    assert.equal(report.steps, 8);
    const final = 'step-000000008/checkpoint.safetensors';
    assert.ok(readFileSync(join(resumed, final)).equals(readFileSync(join(run, final))), 'the resumed run writes the same final checkpoint, byte for byte');
  });

  it('refuses an invalid config before any work, naming the field', async () => {
    const out = join(dir, 'never');
    const base: TrainFlags = { corpus, out, hidden: 16, layers: 1, heads: 2, context: 16, batch: 4, tokens: 512, vocabSize: 100, seed: 3 };
    await assert.rejects(train({ ...base, hidden: 30, heads: 8 }), /--heads \(heads\): hiddenSize must be divisible by heads/);
    await assert.rejects(train({ ...base, tokens: 0 }), /--tokens \(tokenBudget\)/);
    await assert.rejects(train({ ...base, microBatch: 3 }), /--micro-batch \(microBatchSize\)/);
    await assert.rejects(train({ ...base, hidden: 6, heads: 2 }), /model\.numHeads .*even head size.*\(set by --heads\)/);
    await assert.rejects(train({ ...base, corpus: join(dir, 'missing.txt') }), /--corpus .*missing\.txt does not exist/);
    writeFileSync(join(dir, 'corpus.csv'), 'a,b\n');
    await assert.rejects(train({ ...base, corpus: join(dir, 'corpus.csv') }), /--corpus: .*unknown format/);
    const { vocabSize: _, ...noTokenizer } = base;
    await assert.rejects(train(noTokenizer), /exactly one of --tokenizer .* or --vocab-size/);
    await assert.rejects(train({ ...base, out: run, seed: 4 }), /--out .* holds checkpoints of another run: resume: .*Pass that run's flags to resume it, or a new --out/);
    assert.equal(existsSync(out), false, 'nothing was written');

    const zeroBudget = downscale('train', '--corpus', corpus, '--vocab-size', '100', '--tokens', '0', '--out', out, ...tiny);
    assert.equal(zeroBudget.status, 1);
    assert.match(zeroBudget.stderr, /--tokens must be a whole number between 1/);
  });
});
