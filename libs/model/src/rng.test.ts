import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from './index.js';

describe('Rng', () => {
  it('repeats its stream for a seed and differs between seeds', () => {
    const draw = (seed: number): number[] => {
      const rng = Rng.fromSeed(seed);
      return Array.from({ length: 5 }, () => rng.nextUint32());
    };
    assert.deepEqual(draw(1), draw(1));
    assert.notDeepEqual(draw(1), draw(2));
  });

  it('continues exactly from a saved state, also through JSON', () => {
    const rng = Rng.fromSeed(42);
    for (let i = 0; i < 10; i++) rng.nextFloat();
    const restored = Rng.fromState(JSON.parse(JSON.stringify(rng.state())));
    assert.deepEqual(Array.from({ length: 5 }, () => restored.nextNormal()), Array.from({ length: 5 }, () => rng.nextNormal()));
  });

  it('draws integers in range and roughly standard normals', () => {
    const rng = Rng.fromSeed(3);
    const ints = Array.from({ length: 1000 }, () => rng.nextInt(7));
    assert.ok(ints.every((i) => Number.isInteger(i) && i >= 0 && i < 7));
    assert.equal(new Set(ints).size, 7);
    const normals = Array.from({ length: 20_000 }, () => rng.nextNormal());
    const mean = normals.reduce((a, b) => a + b) / normals.length;
    const variance = normals.reduce((a, b) => a + (b - mean) ** 2, 0) / normals.length;
    assert.ok(Math.abs(mean) < 0.05 && Math.abs(variance - 1) < 0.05, `mean ${mean}, variance ${variance}`);
  });
});
