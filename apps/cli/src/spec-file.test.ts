import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { presetSpec } from '@downscale/experiments';
import { repoRoot } from './stack/paths.js';

const cli = join(repoRoot, 'apps', 'cli', 'bin', 'downscale.mjs');

describe('downscale up --spec: an invalid experiment fails before anything starts, naming the field', () => {
  const dir = mkdtempSync(join(tmpdir(), 'downscale-spec-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const up = (spec: unknown) => {
    const file = join(dir, 'spec.json');
    writeFileSync(file, typeof spec === 'string' ? spec : JSON.stringify(spec));
    // A NATS URL where nothing listens: the spec must be refused before the stack is touched.
    return spawnSync(process.execPath, [cli, 'up', '--spec', file, '--home', join(dir, 'home'), '--nats-url', 'nats://127.0.0.1:1'], { encoding: 'utf8', timeout: 30_000 });
  };
  const demo = presetSpec('demo');

  for (const [what, spec, message] of [
    ['a hidden size of 0', { ...demo, grid: { ...demo.grid, hiddenSizes: [0, 32] } }, /grid\.hiddenSizes\.0: Too small/],
    ['a hidden size the heads cannot split', { ...demo, grid: { ...demo.grid, hiddenSizes: [12] } }, /grid\.hiddenSizes: 12 cannot be split into 8 or 4 attention heads/],
    ['no corpus variant', { ...demo, grid: { ...demo.grid, variants: [] } }, /grid\.variants: Too small/],
    ['an unknown field', { ...demo, epochs: 3 }, /\(root\): Unrecognized key/],
    ['a zero token budget', { ...demo, tokenBudget: 0 }, /tokenBudget: Too small/],
    ['text that is not JSON', '{"name": ', /not JSON/],
  ] as const) {
    it(`refuses ${what}`, () => {
      const result = up(spec);
      assert.equal(result.status, 1, result.stdout + result.stderr);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stdout, /NATS|database/, 'nothing was started');
    });
  }
});
