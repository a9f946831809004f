import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeCheckpoint, decodeSafetensors, encodeCheckpoint, LlamaModel, readHuggingFaceDir, selectBackend, tf, weightsCheckpoint } from '@downscale/model';
import { trainBpe } from '@downscale/tokenizer';
import { exportCheckpoint, importHuggingFaceFolder } from './commands/hf-commands.js';
import { repoRoot } from './stack/paths.js';

const cli = join(repoRoot, 'apps', 'cli', 'bin', 'downscale.mjs');
const downscale = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' });

const CONTEXT = 16;

function logits(model: LlamaModel, tokens: Int32Array): Float32Array {
  return tf.tidy(() => model.forward(tf.tensor2d(tokens, [2, CONTEXT], 'int32')).dataSync() as Float32Array);
}

function assertClose(actual: Float32Array, expected: Float32Array, tolerance: number): void {
  assert.equal(actual.length, expected.length);
  const worst = actual.reduce((max, value, i) => Math.max(max, Math.abs(value - expected[i]!)), 0);
  assert.ok(worst <= tolerance, `logits differ by up to ${worst}`);
}

describe('downscale export and import', () => {
  const dir = mkdtempSync(join(tmpdir(), 'downscale-hf-cli-'));
  const run = join(dir, 'run');
  const tokenizerFile = join(run, 'tokenizer.json');
  let model: LlamaModel;

  before(async () => {
    assert.equal(await selectBackend('cpu'), 'cpu');
    const tokenizer = await trainBpe(['The cat sat on the mat.', 'A bird and a dog went over the hill.'], { vocabSize: 80 });
    model = LlamaModel.create({ hiddenSize: 16, numLayers: 2, numHeads: 2, vocabSize: tokenizer.vocabSize, contextLength: CONTEXT }, 5);
    // A run folder as downscale train leaves it: the tokenizer beside step-N checkpoint folders.
    mkdirSync(join(run, 'step-000000003'), { recursive: true });
    writeFileSync(join(run, 'step-000000003', 'checkpoint.safetensors'), encodeCheckpoint(weightsCheckpoint(model.config, model.values())));
    await tokenizer.save(tokenizerFile);
  });

  after(() => {
    model.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exports the Hugging Face layout and imports it back to the same weights and logits', async () => {
    const hf = join(dir, 'hf');
    const exported = downscale('export', '--checkpoint', run, '--out', hf);
    assert.equal(exported.status, 0, exported.stderr);
    const config = JSON.parse(readFileSync(join(hf, 'config.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(config.architectures, ['LlamaForCausalLM']);
    assert.equal(config.eos_token_id, 4);
    const { tensors } = decodeSafetensors(new Uint8Array(readFileSync(join(hf, 'model.safetensors'))));
    assert.deepEqual(tensors.get('model.layers.1.mlp.gate_proj.weight')?.shape, [64, 16], 'PyTorch [out, in]');
    assert.deepEqual(tensors.get('lm_head.weight')?.shape, [model.config.vocabSize, 16]);
    assert.equal(readFileSync(join(hf, 'tokenizer.json'), 'utf8'), readFileSync(tokenizerFile, 'utf8'));

    // `..` in a path is resolved like any other path.
    const back = `${dir}/hf/../back`;
    const imported = downscale('import', '--hf', hf, '--out', back);
    assert.equal(imported.status, 0, imported.stderr);
    const checkpoint = decodeCheckpoint(new Uint8Array(readFileSync(join(dir, 'back', 'checkpoint.safetensors'))));
    assert.deepEqual(checkpoint.config, model.config);
    assert.deepEqual(checkpoint.weights, model.values());
    assert.equal(checkpoint.optimizer.step, 0, 'an imported model starts a fresh optimizer');
    assert.equal(readFileSync(join(dir, 'back', 'tokenizer.json'), 'utf8'), readFileSync(tokenizerFile, 'utf8'));

    const tokens = Int32Array.from({ length: 2 * CONTEXT }, (_, i) => (i * 7) % model.config.vocabSize);
    const reimported = LlamaModel.fromValues(checkpoint.config, checkpoint.weights);
    const fromHf = await readHuggingFaceDir(hf);
    try {
      assertClose(logits(reimported, tokens), logits(model, tokens), 1e-5);
      assertClose(logits(fromHf, tokens), logits(model, tokens), 1e-5);
    } finally {
      reimported.dispose();
      fromHf.dispose();
    }
  });

  it('finds the tokenizer of a trainer-service checkpoint through the artifact URI in its metadata, checked by hash', async () => {
    // The artifact store's layout: corpora/<key>/tokenizer.json, checkpoints/<run>/step-N/checkpoint.safetensors.
    const store = join(dir, 'artifacts');
    mkdirSync(join(store, 'corpora', 'c1'), { recursive: true });
    cpSync(tokenizerFile, join(store, 'corpora', 'c1', 'tokenizer.json'));
    const step = join(store, 'checkpoints', 'r1', 'step-000000003');
    mkdirSync(step, { recursive: true });
    const sha256 = createHash('sha256').update(readFileSync(tokenizerFile)).digest('hex');
    const metadata = { tokenizer: 'artifact://corpora/c1/tokenizer.json', tokenizerSha256: sha256 };
    writeFileSync(join(step, 'checkpoint.safetensors'), encodeCheckpoint(weightsCheckpoint(model.config, model.values(), metadata)));
    const report = await exportCheckpoint({ checkpoint: step, out: join(dir, 'hf-service') });
    assert.equal(report.tokenizer, join(store, 'corpora', 'c1', 'tokenizer.json'));
    assert.equal(readFileSync(join(dir, 'hf-service', 'tokenizer.json'), 'utf8'), readFileSync(tokenizerFile, 'utf8'));

    writeFileSync(join(store, 'corpora', 'c1', 'tokenizer.json'), '{}');
    await assert.rejects(exportCheckpoint({ checkpoint: step, out: join(dir, 'hf-service-2') }), /is not the tokenizer this checkpoint was trained with .*pass --tokenizer/);

    // A URI that would lead out of the store is refused, not followed.
    writeFileSync(join(step, 'checkpoint.safetensors'), encodeCheckpoint(weightsCheckpoint(model.config, model.values(), { tokenizer: 'artifact://../run/tokenizer.json' })));
    await assert.rejects(exportCheckpoint({ checkpoint: step, out: join(dir, 'hf-service-3') }), /artifact key "\.\.\/run\/tokenizer\.json" is not a relative path/);
  });

  it('says what is wrong with each bad input, and what to do', async () => {
    const hf = join(dir, 'hf-bad');
    await exportCheckpoint({ checkpoint: run, out: hf });
    const config = JSON.parse(readFileSync(join(hf, 'config.json'), 'utf8')) as Record<string, unknown>;
    const out = join(dir, 'x');
    const failed = downscale('import', '--hf', join(dir, 'missing'), '--out', out);
    assert.equal(failed.status, 1);
    assert.match(failed.stderr, /^downscale: Hugging Face model folder .*missing does not exist or is not a folder/);

    await assert.rejects(exportCheckpoint({ checkpoint: join(dir, 'missing'), out }), /checkpoint .*missing does not exist/);
    await assert.rejects(exportCheckpoint({ checkpoint: hf, out }), /neither checkpoint\.safetensors nor step-N folders/);
    const otherTokenizer = join(dir, 'other-tokenizer.json');
    await (await trainBpe(['Some other text.'], { vocabSize: 20 })).save(otherTokenizer);
    await assert.rejects(exportCheckpoint({ checkpoint: run, out, tokenizer: otherTokenizer }), /has \d+ tokens but the model's vocabulary is \d+/);
    await assert.rejects(importHuggingFaceFolder({ hf: run, out }), /has no config\.json/);
    await assert.rejects(importHuggingFaceFolder({ hf, out: `${hf}/../hf-bad` }), /is the --hf folder itself/);

    writeFileSync(join(hf, 'config.json'), JSON.stringify({ ...config, architectures: ['GPT2LMHeadModel'] }));
    await assert.rejects(importHuggingFaceFolder({ hf, out }), /architectures is \["GPT2LMHeadModel"\], expected \["LlamaForCausalLM"\]/);
    writeFileSync(join(hf, 'config.json'), JSON.stringify({ ...config, hidden_size: 32, intermediate_size: 128 }));
    await assert.rejects(importHuggingFaceFolder({ hf, out }), /model\.embed_tokens\.weight has shape \[\d+, 16\], but config\.json implies \[\d+, 32\]/);
    writeFileSync(join(hf, 'config.json'), '{"hidden_size": ');
    await assert.rejects(importHuggingFaceFolder({ hf, out }), /config\.json is not valid JSON/);
    rmSync(join(hf, 'model.safetensors'));
    writeFileSync(join(hf, 'config.json'), JSON.stringify(config));
    await assert.rejects(importHuggingFaceFolder({ hf, out }), /has no model\.safetensors/);
    assert.equal(existsSync(out), false, 'nothing is written when the input is refused');
  });
});
