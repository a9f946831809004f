import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DatasetError, TokenDataset } from './index.js';

/** ids 0..n-1, so that a token's value is its position in the corpus. */
const positions = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);
/** Corpus position of the first token of each sequence in a step's micro-batches. */
function starts(dataset: TokenDataset, step: number, micro: number, batch: number): number[] {
  return dataset.trainBatch(step, micro, batch).flatMap((b) => Array.from({ length: b.batchSize }, (_, row) => b.tokens[row * b.length]!));
}

describe('TokenDataset', () => {
  it('packs blocks of T + 1 tokens at stride T and holds out the end of the corpus', () => {
    const dataset = new TokenDataset(positions(1000), { contextLength: 8, heldOutFraction: 0.1, seed: 3 });
    assert.equal(dataset.trainTokens, 900);
    assert.equal(dataset.trainBlocks, Math.floor(899 / 8));
    assert.equal(dataset.heldOutBlocks, Math.floor(99 / 8));
    const [batch] = dataset.trainBatch(0, 1, 1);
    const first = batch!.tokens[0]!;
    assert.equal(first % 8, 0, 'blocks start at multiples of T');
    assert.deepEqual(Array.from(batch!.tokens), Array.from({ length: 8 }, (_, t) => first + t));
    assert.deepEqual(Array.from(batch!.targets), Array.from({ length: 8 }, (_, t) => first + t + 1));
    // Every training target lies before the split, every held-out token after it.
    for (let step = 0; step < dataset.trainBlocks; step++) {
      for (const b of dataset.trainBatch(step, 1, 1)) assert.ok(Math.max(...b.targets) < 900);
    }
    for (const b of dataset.heldOutBatches()) assert.ok(Math.min(...b.tokens) >= 900);
  });

  it('visits every training block once per epoch, in an order fixed by the seed', () => {
    const dataset = new TokenDataset(positions(8 * 24 + 1), { contextLength: 8, heldOutFraction: 0, seed: 5 });
    assert.equal(dataset.trainBlocks, 24);
    const epoch = Array.from({ length: 6 }, (_, step) => starts(dataset, step, 2, 4)).flat();
    assert.deepEqual([...epoch].sort((a, b) => a - b), Array.from({ length: 24 }, (_, k) => 8 * k));
    assert.notDeepEqual(epoch, [...epoch].sort((a, b) => a - b), 'shuffled');
    const nextEpoch = Array.from({ length: 6 }, (_, step) => starts(dataset, step + 6, 2, 4)).flat();
    assert.notDeepEqual(nextEpoch, epoch, 'each epoch has its own order');
    // Pure in (seed, step): a fresh dataset jumping straight to a step agrees.
    const fresh = new TokenDataset(positions(8 * 24 + 1), { contextLength: 8, heldOutFraction: 0, seed: 5 });
    assert.deepEqual(starts(fresh, 7, 4, 4), starts(dataset, 7, 2, 4));
    const otherSeed = new TokenDataset(positions(8 * 24 + 1), { contextLength: 8, heldOutFraction: 0, seed: 6 });
    assert.notDeepEqual(Array.from({ length: 6 }, (_, step) => starts(otherSeed, step, 4, 4)).flat(), epoch);
  });

  it('spreads a capped held-out sample over the split, in batches', () => {
    const dataset = new TokenDataset(positions(2000), { contextLength: 8, heldOutFraction: 0.5, seed: 1 });
    const sizes = dataset.heldOutBatches(10, 4).map((b) => b.batchSize);
    assert.deepEqual(sizes, [4, 4, 2]);
    const firsts = dataset.heldOutBatches(10, 4).flatMap((b) => Array.from({ length: b.batchSize }, (_, r) => b.tokens[r * 8]!));
    assert.ok(firsts.at(-1)! > 1800, `the sample reaches the end of the split: ${firsts.join(',')}`);
    assert.equal(dataset.heldOutBatches().reduce((n, b) => n + b.batchSize, 0), dataset.heldOutBlocks);
  });

  it('accepts token-file arrays', () => {
    const dataset = new TokenDataset(Uint16Array.from(positions(200)), { contextLength: 4, seed: 0 });
    assert.equal(dataset.maxTokenId(), 199, 'both splits count');
    assert.equal(dataset.trainBatch(0, 2, 2)[0]!.tokens.length, 8);
  });

  it('says what to change when the corpus is too small', () => {
    const error = (f: () => unknown): DatasetError => {
      try {
        f();
      } catch (e) {
        assert.ok(e instanceof DatasetError);
        return e;
      }
      assert.fail('no error');
    };
    assert.equal(error(() => new TokenDataset(positions(8), { contextLength: 8, heldOutFraction: 0, seed: 1 })).field, 'ids');
    assert.equal(error(() => new TokenDataset(positions(100), { contextLength: 8, heldOutFraction: 0.05, seed: 1 })).field, 'heldOutFraction');
    const small = new TokenDataset(positions(41), { contextLength: 8, heldOutFraction: 0, seed: 1 });
    assert.match(error(() => small.trainBatch(0, 2, 6)).message, /needs 6 blocks but the training split has 5/);
    assert.equal(error(() => small.trainBatch(0, 2, 3)).field, 'microBatchSize');
    assert.equal(error(() => new TokenDataset(positions(100), { contextLength: 0, seed: 1 })).field, 'contextLength');
  });
});
