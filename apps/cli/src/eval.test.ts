import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeCheckpoint, LlamaModel, selectBackend, writeHuggingFaceDir } from '@downscale/model';
import { trainBpe, type BpeTokenizer } from '@downscale/tokenizer';
import { repoRoot } from './stack/paths.js';

const cli = join(repoRoot, 'apps', 'cli', 'bin', 'downscale.mjs');
const downscale = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' });

const ITEMS = [
  { id: 'q1', context: 'The cat sat on the', choices: ['mat', 'moon', 'dog'], gold: 0 },
  { id: 'q2', context: 'The children played in the', choices: ['sun', 'tree'], gold: 0 },
  { id: 'q3', context: 'Once upon a', choices: ['time', 'hill', 'bird', 'cat'], gold: 0 },
];

interface JsonResult {
  task: string;
  version: string;
  acc: number;
  acc_norm: number;
  n: number;
  items: { id: string; logliks: number[]; pred: number; gold: number }[];
}

describe('downscale eval', () => {
  const dir = mkdtempSync(join(tmpdir(), 'downscale-eval-'));
  const taskFile = join(dir, 'task.jsonl');
  const checkpointDir = join(dir, 'checkpoint');
  const hfDir = join(dir, 'hf');
  let tokenizer: BpeTokenizer;
  let model: LlamaModel;

  before(async () => {
    assert.equal(await selectBackend('cpu'), 'cpu');
    tokenizer = await trainBpe(['The cat sat on the mat. The children played in the sun under a tree.', 'Once upon a time a bird and a dog went to the moon over the hill.'], { vocabSize: 120 });
    model = LlamaModel.create({ hiddenSize: 16, numLayers: 1, numHeads: 2, vocabSize: tokenizer.vocabSize, contextLength: 32 }, 9);
    const weights = model.values();
    const zeros = new Map([...weights].map(([name, values]) => [name, new Float32Array(values.length)]));
    mkdirSync(checkpointDir);
    writeFileSync(join(checkpointDir, 'checkpoint.safetensors'), encodeCheckpoint({ config: model.config, weights, optimizer: { step: 1, firstMoments: zeros, secondMoments: zeros }, metadata: {} }));
    writeFileSync(join(checkpointDir, 'tokenizer.json'), JSON.stringify(tokenizer.toJSON()));
    await writeHuggingFaceDir(model, hfDir, { tokenizerJson: JSON.stringify(tokenizer.toJSON()) });
    writeFileSync(taskFile, ITEMS.map((item) => JSON.stringify(item)).join('\n'));
  });

  after(() => {
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Each choice's log-likelihood by the model's own scoring of " " + choice after the context. */
  const expectedLogliks = () =>
    ITEMS.map((item) =>
      model
        .scoreContinuations(item.choices.map((choice) => ({ context: Array.from(tokenizer.encode(item.context)), continuation: Array.from(tokenizer.encode(choice)) })))
        .map((score) => score.logLikelihood),
    );

  it('prints acc, acc_norm, n and each item\'s log-likelihoods for a checkpoint (--json --details)', () => {
    const run = downscale('eval', '--checkpoint', join(checkpointDir, 'checkpoint.safetensors'), '--task', taskFile, '--backend', 'cpu', '--json', '--details');
    assert.equal(run.status, 0, run.stderr);
    const lines = run.stdout.trim().split('\n');
    assert.equal(lines.length, 1, 'one task version, one line');
    const result = JSON.parse(lines[0]!) as JsonResult;
    assert.equal(result.task, taskFile);
    assert.equal(result.version, 'original');
    assert.equal(result.n, 3);
    const expected = expectedLogliks();
    result.items.forEach((item, i) => {
      assert.equal(item.id, ITEMS[i]!.id);
      assert.equal(item.gold, 0);
      item.logliks.forEach((ll, c) => assert.ok(Math.abs(ll - expected[i]![c]!) < 1e-4, `${item.id} choice ${c}: ${ll} vs ${expected[i]![c]}`));
      assert.equal(item.pred, item.logliks.indexOf(Math.max(...item.logliks)));
    });
    assert.equal(result.acc, result.items.filter((item) => item.pred === item.gold).length / 3);
    assert.ok(result.acc_norm >= 0 && result.acc_norm <= 1);
  });

  it('gives the same numbers for the exported Hugging Face folder (--model), and a table without --json', () => {
    const fromCheckpoint = JSON.parse(downscale('eval', '--checkpoint', join(checkpointDir, 'checkpoint.safetensors'), '--task', taskFile, '--backend', 'cpu', '--json', '--details').stdout) as JsonResult;
    const run = downscale('eval', '--model', hfDir, '--task', taskFile, '--backend', 'cpu', '--json', '--details');
    assert.equal(run.status, 0, run.stderr);
    const fromExport = JSON.parse(run.stdout) as JsonResult;
    fromExport.items.forEach((item, i) => item.logliks.forEach((ll, c) => assert.ok(Math.abs(ll - fromCheckpoint.items[i]!.logliks[c]!) < 1e-5)));
    const table = downscale('eval', '--model', hfDir, '--task', taskFile, '--backend', 'cpu');
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /^task\s+version\s+n\s+acc/);
    assert.match(table.stdout, /original\s+3\s+\d\.\d{4}/);
  });

  it('also scores the simplified version with --vocab', () => {
    const vocab = join(dir, 'vocab.txt');
    writeFileSync(vocab, 'the\ncat\nsat\non\nmat\nmoon\ndog\nonce\nupon\na\ntime\nhill\nbird\n');
    const run = downscale('eval', '--checkpoint', join(checkpointDir, 'checkpoint.safetensors'), '--task', taskFile, '--vocab', vocab, '--backend', 'cpu', '--json');
    assert.equal(run.status, 0, run.stderr);
    const results = run.stdout.trim().split('\n').map((line) => JSON.parse(line) as JsonResult);
    assert.deepEqual(results.map((r) => [r.version, r.n]), [['original', 3], ['simplified', 2]]);
  });

  it('says what is wrong: no model, no tokenizer, an unknown task', () => {
    const none = downscale('eval', '--task', taskFile);
    assert.equal(none.status, 1);
    assert.match(none.stderr, /exactly one of --checkpoint <file> or --model <hf-dir>/);
    const lonely = join(dir, 'lonely.safetensors');
    writeFileSync(lonely, '');
    const noTokenizer = downscale('eval', '--checkpoint', lonely, '--task', taskFile, '--backend', 'cpu');
    assert.equal(noTokenizer.status, 1);
    assert.match(noTokenizer.stderr, /no tokenizer.json at .*; pass --tokenizer <file>/);
    const unknown = downscale('eval', '--model', hfDir, '--task', 'no-such-task', '--backend', 'cpu');
    assert.equal(unknown.status, 1);
    assert.match(unknown.stderr, /task "no-such-task" is not a task name or task file; accepted:/);
  });
});
