#!/usr/bin/env node
// Wall time of `npm start`'s main job: `downscale up --exit-when-done` with the demo preset on
// a fresh home (nothing reused), from the first line to the summary, against the 15-minute
// budget of issue 9 (ratio = measured / 900 s; below 1 is within budget). Prints the phases
// (stack up, last run trained, last checkpoint evaluated, summary) from the status lines.
// Usage: node tools/bench-demo.mjs [--nats-url nats://127.0.0.1:4222] [--json]
// Build first: npm run build
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({ options: { 'nats-url': { type: 'string' }, json: { type: 'boolean', default: false } } });
const budgetSeconds = 900;
const root = join(import.meta.dirname, '..');
const home = mkdtempSync(join(tmpdir(), 'downscale-bench-demo-'));
const cli = join(root, 'apps', 'cli', 'bin', 'downscale.mjs');
const flags = ['up', '--exit-when-done', '--home', home, '--ports', '4700', '--dashboard-port', '4799', ...(args['nats-url'] ? ['--nats-url', args['nats-url']] : [])];

const started = Date.now();
const phases = {};
const seconds = () => Math.round((Date.now() - started) / 100) / 10;
const child = spawn(process.execPath, [cli, ...flags], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
let output = '';
child.stdout.on('data', (chunk) => {
  output += chunk;
  if (!phases.stackUp && output.includes('downscale is up')) phases.stackUp = seconds();
  if (!phases.trained && /runs (\d+)\/\1 done/.test(output)) phases.trained = seconds();
  if (!phases.evaluated && output.includes('refitting the scaling laws')) phases.evaluated = seconds();
});
const code = await new Promise((resolve) => child.once('exit', resolve));
const total = seconds();
rmSync(home, { recursive: true, force: true });
if (code !== 0) {
  process.stderr.write(output.slice(-4_000));
  throw new Error(`downscale up exited ${code}: the demo did not complete`);
}
const result = { totalSeconds: total, ...phases, budgetSeconds, ratio: Math.round((total / budgetSeconds) * 100) / 100, cores: availableParallelism(), summary: output.slice(output.lastIndexOf('\nruns\n')) };
if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
else {
  process.stdout.write(`${result.summary}\n\n`);
  process.stdout.write(`demo end to end: ${total} s (stack up ${phases.stackUp} s, runs trained ${phases.trained} s, checkpoints evaluated ${phases.evaluated} s) on ${result.cores} cores\n`);
  process.stdout.write(`ratio vs the 15-minute budget: ${result.ratio}\n`);
}
