#!/usr/bin/env node
// Development check (not part of npm test): fits the joint law L(N, D) = E + A/N^alpha + B/D^beta
// to the Chinchilla Figure 4 points the published way (Besiroglu et al. 2024: drop the 5
// highest-loss points, Huber delta 1e-3 on log L, L-BFGS from the 4,500-start grid) and
// prints our parameters next to the published ones.
// Then bootstraps it (points resampled, refits warm-started) and prints the 95% intervals
// next to the published ones (4,000 resamples there).
// Usage: node tools/scaling-laws-check-chinchilla.mjs [path/to/chinchilla_fig4_extracted.csv] [resamples, default 1000]
// (build first: npx tsc -b libs/scaling-laws)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bootstrapFit, fitModel, jointLaw } from '../libs/scaling-laws/dist/index.js';

const path = resolve(process.argv[2] ?? resolve(import.meta.dirname, '../../shared/reference/chinchilla_fig4_extracted.csv'));
const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
const columns = header.split(',');
const column = (name) => {
  const index = columns.indexOf(name);
  if (index < 0) throw new Error(`${path}: no column "${name}" in the header (${header})`);
  return index;
};
const [sizeAt, flopAt, lossAt] = [column('Model Size'), column('Training FLOP'), column('loss')];
const all = lines.map((line) => {
  const fields = line.split(',');
  const N = Number(fields[sizeAt]);
  const C = Number(fields[flopAt]);
  return { N, D: C / (6 * N), loss: Number(fields[lossAt]) };
});
const points = [...all].sort((p, q) => p.loss - q.loss).slice(0, all.length - 5);

const started = performance.now();
const fit = fitModel(jointLaw, points);
const seconds = (performance.now() - started) / 1000;
const published = { E: 1.817, A: 478, B: 2144, alpha: 0.347, beta: 0.367 };
console.log(`${path}: ${all.length} points, fitted ${points.length} (5 highest losses dropped)`);
console.log(`grid: ${fit.starts} starts, ${fit.convergedStarts} converged; best objective ${fit.objective.toExponential(6)}; ${seconds.toFixed(1)} s`);
console.log('parameter   ours        published');
for (const [name, value] of Object.entries(published)) {
  console.log(`${name.padEnd(10)}  ${fit.parameters[name].toPrecision(6).padEnd(10)}  ${value}`);
}
console.log(`R^2 (log L): ${fit.r2.toFixed(4)}`);

const resamples = Number(process.argv[3] ?? 1000);
const bootStarted = performance.now();
const bootstrap = bootstrapFit(jointLaw, points, fit, { resamples, seed: 0 });
const publishedIntervals = { E: [1.769, 1.871], alpha: [0.317, 0.373], beta: [0.331, 0.415] };
const publishedErrors = { E: 0.026, alpha: 0.015, beta: 0.021 };
console.log(`bootstrap: ${resamples} resamples, ${bootstrap.failed} not converged, ${((performance.now() - bootStarted) / 1000).toFixed(1)} s`);
console.log('parameter   ours 95% interval          published            ours s.e.   published s.e.');
for (const name of ['E', 'A', 'B', 'alpha', 'beta']) {
  const [low, high] = bootstrap.intervals[name];
  const ours = `(${low.toPrecision(4)}, ${high.toPrecision(4)})`;
  const theirs = publishedIntervals[name] ? `(${publishedIntervals[name].join(', ')})` : '-';
  console.log(`${name.padEnd(10)}  ${ours.padEnd(24)}  ${theirs.padEnd(19)}  ${bootstrap.standardErrors[name].toPrecision(3).padEnd(10)}  ${publishedErrors[name] ?? '-'}`);
}
