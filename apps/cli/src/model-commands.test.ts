import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { repoRoot } from './stack/paths.js';

const cli = join(repoRoot, 'apps', 'cli', 'bin', 'downscale.mjs');
const downscale = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' });

describe('downscale model-info and bench-train', () => {
  it('reproduces rows of the paper\'s parameter table', () => {
    for (const [h, l, total, nonEmbedding] of [
      [1024, 8, 164_955_136, 134_235_136],
      [256, 4, 11_876_608, 4_196_608],
      [32, 2, 992_928, 32_928],
    ] as const) {
      const run = downscale('model-info', '--hidden', String(h), '--layers', String(l), '--vocab', '15000', '--json');
      assert.equal(run.status, 0, run.stderr);
      const info = JSON.parse(run.stdout) as { params: number; nonEmbeddingParams: number; flopsPerToken: { kaplan: number; detailed: number } };
      assert.deepEqual([info.params, info.nonEmbeddingParams, info.flopsPerToken.kaplan], [total, nonEmbedding, 6 * nonEmbedding]);
      assert.ok(info.flopsPerToken.detailed > info.flopsPerToken.kaplan, 'the detailed count adds attention and logits');
    }
  });

  it('times training steps and says on which backend', () => {
    const run = downscale('bench-train', '--hidden', '16', '--layers', '1', '--vocab', '50', '--context', '8', '--batch', '2', '--steps', '2', '--backend', 'cpu', '--json');
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout) as { tokensPerSecond: number; backend: string; params: number };
    assert.equal(result.backend, 'cpu');
    assert.ok(result.tokensPerSecond > 0);
  });

  it('refuses a model whose hidden size the heads do not divide, naming the field', () => {
    const run = downscale('model-info', '--hidden', '30', '--layers', '2', '--vocab', '100');
    assert.equal(run.status, 1);
    assert.match(run.stderr, /hiddenSize|numHeads/);
  });
});
