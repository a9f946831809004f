import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { resolveStackOptions } from './options.js';

describe('stack options', () => {
  const home = mkdtempSync(join(tmpdir(), 'downscale-options-'));
  after(() => rmSync(home, { recursive: true, force: true }));
  const resolve = (flags: Record<string, string>, env: NodeJS.ProcessEnv = {}) => resolveStackOptions({ home, ...flags }, env);

  it('runs two evaluators (one on a single core) and two in the cluster topology, which needs PostgreSQL', () => {
    assert.equal(resolve({}).evaluators, Math.min(2, availableParallelism()));
    assert.equal(resolve({ topology: 'cluster', databaseUrl: 'postgres://u@db/x' }).evaluators, 2);
    assert.equal(resolve({ topology: 'cluster', databaseUrl: 'postgres://u@db/x', evaluators: '3', trainers: '6' }).trainers, 6);
    assert.throws(() => resolve({ topology: 'cluster' }), /--topology cluster runs its services against one PostgreSQL: pass --database-url/);
    assert.throws(() => resolve({ topology: 'mesh' }), /--topology "mesh": use local or cluster/);
  });

  it('takes the trainer count from the flag, then DOWNSCALE_TRAINERS, and refuses nonsense', () => {
    assert.equal(resolve({}, { DOWNSCALE_TRAINERS: '3' }).trainers, 3);
    assert.equal(resolve({ trainers: '1' }, { DOWNSCALE_TRAINERS: '3' }).trainers, 1);
    assert.throws(() => resolve({ trainers: '0' }), /--trainers "0" must be a whole number between 1 and 16/);
    assert.throws(() => resolve({ evaluators: 'two' }), /--evaluators "two" must be a whole number between 1 and 16/);
  });
});
