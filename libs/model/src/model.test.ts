import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { LlamaModel, countParameters, tf } from './index.js';
import { TINY, assertClose, randomTokens, useBackend } from './test-support.js';

const B = 2;
const T = TINY.contextLength;

function logitsOf(model: LlamaModel, tokens: Int32Array, batch = B, length = T): Float32Array {
  return tf.tidy(() => model.forward(tf.tensor2d(tokens, [batch, length], 'int32')).dataSync() as Float32Array);
}

describe('LlamaModel', () => {
  before(() => useBackend('cpu'));

  it('initialises deterministically from the seed, with HF names and norms at 1', () => {
    const a = LlamaModel.create(TINY, 7);
    const b = LlamaModel.create(TINY, 7);
    const c = LlamaModel.create(TINY, 8);
    const name = 'model.layers.1.self_attn.q_proj.weight';
    assert.deepEqual(a.values().get(name), b.values().get(name));
    assert.notDeepEqual(a.values().get(name), c.values().get(name));
    assert.ok(a.values().get('model.norm.weight')?.every((v) => v === 1));
    assert.equal([...a.values().values()].reduce((n, v) => n + v.length, 0), countParameters(TINY).total);
    assert.ok(a.parameters.has('lm_head.weight') && a.parameters.has('model.layers.0.mlp.down_proj.weight'));
    [a, b, c].forEach((m) => m.dispose());
  });

  it('maps tokens [B, T] to logits [B, T, V]', () => {
    const model = LlamaModel.create(TINY, 1);
    const logits = model.forward(tf.tensor2d(randomTokens(B * T, TINY.vocabSize, 1), [B, T], 'int32'));
    assert.deepEqual(logits.shape, [B, T, TINY.vocabSize]);
    assert.ok(logits.dataSync().every(Number.isFinite));
    logits.dispose();
    model.dispose();
  });

  it('logitsAt gives the rows of forward() at the chosen flat positions, and only those', () => {
    const model = LlamaModel.create(TINY, 3);
    const tokens = randomTokens(B * T, TINY.vocabSize, 3);
    const all = logitsOf(model, tokens);
    const positions = [T - 1, 0, T + 2, 2 * T - 1];
    const some = tf.tidy(() => model.logitsAt(tf.tensor2d(tokens, [B, T], 'int32'), tf.tensor1d(positions, 'int32')));
    assert.deepEqual(some.shape, [positions.length, TINY.vocabSize]);
    const expected = new Float32Array(positions.flatMap((p) => [...all.subarray(p * TINY.vocabSize, (p + 1) * TINY.vocabSize)]));
    assertClose(some.dataSync() as Float32Array, expected, 1e-5, 'logitsAt vs forward');
    some.dispose();
    model.dispose();
  });

  it('is causal: changing a later token leaves earlier logits unchanged', () => {
    const model = LlamaModel.create(TINY, 2);
    const tokens = randomTokens(B * T, TINY.vocabSize, 2);
    const changed = Int32Array.from(tokens);
    changed[5] = (changed[5]! + 1) % TINY.vocabSize; // row 0, position 5
    const before = logitsOf(model, tokens);
    const after = logitsOf(model, changed);
    const V = TINY.vocabSize;
    assertClose(after.slice(0, 5 * V), before.slice(0, 5 * V), 1e-6, 'positions 0-4');
    assert.notDeepEqual(after.slice(5 * V, 6 * V), before.slice(5 * V, 6 * V));
    assertClose(after.slice(T * V), before.slice(T * V), 0, 'other row');
    model.dispose();
  });

  it('computes the loss as the mean cross-entropy of its own logits', () => {
    const model = LlamaModel.create(TINY, 3);
    const tokens = randomTokens(B * T, TINY.vocabSize, 3);
    const targets = randomTokens(B * T, TINY.vocabSize, 4);
    const expected = tf.tidy(() => {
      const logProbs = tf.logSoftmax(tf.tensor2d(logitsOf(model, tokens), [B * T, TINY.vocabSize]));
      return -tf.mean(tf.sum(tf.mul(logProbs, tf.oneHot(tf.tensor1d(targets, 'int32'), TINY.vocabSize)), 1)).dataSync()[0]!;
    });
    const loss = tf.tidy(() => model.loss(tf.tensor2d(tokens, [B, T], 'int32'), tf.tensor2d(targets, [B, T], 'int32')).dataSync()[0]!);
    assertClose([loss], [expected], 1e-6, 'loss');
    assert.ok(Math.abs(loss - Math.log(TINY.vocabSize)) < 0.5, `a fresh model is near uniform: ${loss}`);
    model.dispose();
  });

  it('has gradients that match finite differences through the whole model', () => {
    const model = LlamaModel.create(TINY, 4);
    const tokens = tf.tensor2d(randomTokens(B * T, TINY.vocabSize, 5), [B, T], 'int32');
    const targets = tf.tensor2d(randomTokens(B * T, TINY.vocabSize, 6), [B, T], 'int32');
    const variables = [...model.parameters.values()];
    const { grads } = tf.variableGrads(() => model.loss(tokens, targets), variables);
    const lossNow = (): number => tf.tidy(() => model.loss(tokens, targets).dataSync()[0]!);
    const eps = 1e-2;
    const probes: Array<[string, number]> = [
      ['model.embed_tokens.weight', tokens.dataSync()[0]! * TINY.hiddenSize],
      ['model.layers.0.self_attn.q_proj.weight', 17],
      ['model.layers.0.self_attn.k_proj.weight', 40],
      ['model.layers.1.self_attn.v_proj.weight', 3],
      ['model.layers.1.mlp.gate_proj.weight', 100],
      ['model.layers.0.input_layernorm.weight', 5],
      ['lm_head.weight', targets.dataSync()[0]!],
    ];
    for (const [name, index] of probes) {
      const variable = model.parameters.get(name)!;
      const analytic = grads[variable.name]!.dataSync()[index]!;
      const original = variable.dataSync() as Float32Array;
      const shifted = (delta: number): number => {
        const values = Float32Array.from(original);
        values[index] = values[index]! + delta;
        tf.tidy(() => variable.assign(tf.tensor(values, variable.shape)));
        return lossNow();
      };
      const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
      tf.tidy(() => variable.assign(tf.tensor(original, variable.shape)));
      assert.ok(Math.abs(analytic - numeric) < 2e-3 + 0.02 * Math.abs(numeric), `${name}[${index}]: ${analytic} vs ${numeric}`);
    }
    tf.dispose([tokens, targets, ...Object.values(grads)]);
    model.dispose();
  });

  it('gives the same logits on wasm as on cpu', async () => {
    const tokens = randomTokens(B * T, TINY.vocabSize, 7);
    const model = LlamaModel.create(TINY, 5);
    const cpu = logitsOf(model, tokens);
    await useBackend('wasm');
    assertClose(logitsOf(model, tokens), cpu, 1e-4, 'wasm vs cpu');
    await useBackend('cpu');
    model.dispose();
  });
});

describe('LlamaModel.scoreContinuations', () => {
  before(() => useBackend('cpu'));

  it('sums the log-probabilities of the continuation tokens, as from the logits', () => {
    const model = LlamaModel.create(TINY, 6);
    const context = [3, 9, 27];
    const continuation = [31, 43];
    const [score] = model.scoreContinuations([{ context, continuation }]);
    const input = Int32Array.from([...context, ...continuation].slice(0, -1));
    const logProbs = tf.tidy(() => tf.logSoftmax(tf.tensor2d(logitsOf(model, input, 1, input.length), [input.length, TINY.vocabSize])).arraySync());
    const expected = continuation.map((token, k) => logProbs[context.length - 1 + k]![token]!);
    assertClose(score!.tokenLogProbs, expected, 1e-6, 'token log-probs');
    assertClose([score!.logLikelihood], [expected[0]! + expected[1]!], 1e-6, 'sum');
    const greedy = continuation.every((token, k) => {
      const row = logProbs[context.length - 1 + k]!;
      return row.every((value) => value <= row[token]!);
    });
    assert.equal(score!.isGreedy, greedy);
    model.dispose();
  });

  it('scores a batch (right-padded) like one request at a time, and keeps the last tokens of long inputs', () => {
    const model = LlamaModel.create(TINY, 7);
    const requests = [
      { context: [1, 2], continuation: [3] },
      { context: [4, 5, 6, 7, 8], continuation: [9, 10] },
      { context: Array.from({ length: 12 }, (_, i) => i + 1), continuation: [20, 21, 22] }, // 15 tokens > 8 + 1
    ];
    const batched = model.scoreContinuations(requests, 3);
    const single = requests.map((request) => model.scoreContinuations([request])[0]!);
    assertClose(batched.map((s) => s.logLikelihood), single.map((s) => s.logLikelihood), 1e-5, 'batched vs single');
    const truncated = model.scoreContinuations([{ context: [5, 6, 7, 8, 9, 10, 11, 12], continuation: [20, 21, 22] }])[0]!;
    assertClose([single[2]!.logLikelihood], [truncated.logLikelihood], 1e-6, 'only the last 8 inputs count');
    assert.throws(() => model.scoreContinuations([{ context: [], continuation: [1] }]), /empty context/);
    assert.throws(() => model.scoreContinuations([{ context: [1], continuation: [50] }]), /outside \[0, 50\)/);
    model.dispose();
  });

  it('scores inputs up to the interpolated context when RoPE positions are scaled', () => {
    const base = LlamaModel.create(TINY, 8);
    const stretched = LlamaModel.fromValues({ ...TINY, ropeScalingFactor: 2 }, base.values());
    assert.equal(stretched.maxInputLength, 16);
    const long = { context: Array.from({ length: 14 }, (_, i) => i), continuation: [30, 31] };
    assert.ok(Number.isFinite(stretched.scoreContinuations([long])[0]!.logLikelihood));
    [base, stretched].forEach((m) => m.dispose());
  });
});
