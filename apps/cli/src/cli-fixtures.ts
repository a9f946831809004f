// What the CLI's tests that talk to NATS share: the CLI run as a child without blocking the
// test (a collector or a stand-in service answers meanwhile), and a stored experiment to act on.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Experiment, type openDatabase } from '@downscale/persistence';
import { repoRoot } from './stack/paths.js';

const cli = join(repoRoot, 'apps', 'cli', 'bin', 'downscale.mjs');
const run = promisify(execFile);

/** `downscale …` in a child process: its exit status and output, whether it succeeds or not. */
export function downscaleAsync(...args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return run(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' }).then(
    ({ stdout, stderr }) => ({ status: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ status: error.code, stdout: error.stdout, stderr: error.stderr }),
  );
}

/** Stores a running one-run experiment `id` with the task builtin/last-word. */
export async function storeTestExperiment(db: Awaited<ReturnType<typeof openDatabase>>, id: string): Promise<void> {
  const spec = {
    name: 'e',
    preset: 'custom' as const,
    corpus: { source: 'bundled', vocabulary: 'default' },
    grid: { hiddenSizes: [16], layers: [1], variants: ['simplified' as const], seeds: [0] },
    tokenBudget: 1000,
    contextLength: 128,
    tasks: ['builtin/last-word'],
    tokenizerVocabSize: 300,
  };
  await db.getRepository(Experiment).save(db.getRepository(Experiment).create({ id, name: 'e', preset: 'custom', spec, state: 'running' }));
}
