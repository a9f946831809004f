import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { LlamaModel, selectBackend, tf } from '@downscale/model';
import { TokenDataset, bitsPerByte, heldOutLoss } from './index.js';
import { TINY_MODEL, syntheticIds } from './test-support.js';

describe('heldOutLoss', () => {
  before(async () => {
    assert.equal(await selectBackend('cpu'), 'cpu');
  });

  it('is the token-weighted mean loss over the held-out blocks, whatever the batching', () => {
    const model = LlamaModel.create(TINY_MODEL, 3);
    const dataset = new TokenDataset(syntheticIds(1000, 60, 2), { contextLength: 8, heldOutFraction: 0.2, seed: 1 });
    const [all] = dataset.heldOutBatches(Infinity, dataset.heldOutBlocks);
    const expected = tf.tidy(() => model.loss(tf.tensor2d(all!.tokens, [all!.batchSize, 8], 'int32'), tf.tensor2d(all!.targets, [all!.batchSize, 8], 'int32')).dataSync()[0]!);
    const before = tf.memory().numTensors;
    const loss = heldOutLoss(model, dataset, { batchSize: 7 });
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
    assert.ok(Math.abs(loss! - expected) < 1e-5, `${loss} vs ${expected}`);
    assert.ok(Math.abs(loss! - Math.log(60)) < 0.2, 'an untrained model is near uniform');
    const capped = heldOutLoss(model, dataset, { maxBlocks: 3 });
    assert.ok(capped !== loss && Number.isFinite(capped), 'a capped sample scores fewer blocks');
    model.dispose();
  });

  it('is undefined when nothing is held out', () => {
    const model = LlamaModel.create(TINY_MODEL, 3);
    assert.equal(heldOutLoss(model, new TokenDataset(syntheticIds(200, 60, 2), { contextLength: 8, heldOutFraction: 0, seed: 1 })), undefined);
    model.dispose();
  });
});

describe('bitsPerByte', () => {
  it('converts nats per token to bits per byte of text', () => {
    assert.equal(bitsPerByte(2 * Math.LN2, 2), 1);
    assert.equal(bitsPerByte(3 * Math.LN2, 4), 0.75);
    assert.throws(() => bitsPerByte(1, 0), /bytesPerToken must be positive/);
  });
});
