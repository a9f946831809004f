#!/usr/bin/env node
// Benchmark (issue 6, "Speed"): one joint-law fit of 100 synthetic points from the published
// 4,500-start grid, against a 1,000-resample bootstrap of the same fit (resampling the 10
// runs). Bootstrap refits start from the full fit's distinct optima ("warm"), not the grid;
// a grid-started bootstrap would cost about resamples x the single fit.
// Usage: node tools/bench-scaling-laws.mjs [resamples] (build first: npx tsc -b libs/scaling-laws)
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { bootstrapFit, fitModel, jointLaw, syntheticJointRuns } from '../libs/scaling-laws/dist/index.js';

const resamples = Number(process.argv[2] ?? 1000);
const truth = { E: 1.8, A: 480, B: 2100, alpha: 0.35, beta: 0.37 };
const points = syntheticJointRuns(truth, { runs: 10, pointsPerRun: 10, noise: 0.01, seed: 1 });

const seconds = (started) => (performance.now() - started) / 1000;
let started = performance.now();
const fit = fitModel(jointLaw, points);
const single = seconds(started);
started = performance.now();
const bootstrap = bootstrapFit(jointLaw, points, fit, { resamples, seed: 0 });
const resampled = seconds(started);

console.log(`machine: ${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, ${new Date().toISOString()}`);
console.log(`single joint fit, ${points.length} points, ${fit.starts} grid starts: ${single.toFixed(2)} s`);
console.log(`bootstrap, ${resamples} resamples of ${bootstrap.groups} runs, warm starts (${fit.optima.length} per refit): ${resampled.toFixed(2)} s (${bootstrap.failed} refits did not converge)`);
console.log(`ratio bootstrap / single fit: ${(resampled / single).toFixed(2)}`);
console.log('95% intervals:', Object.entries(bootstrap.intervals).map(([k, [lo, hi]]) => `${k} [${lo.toPrecision(4)}, ${hi.toPrecision(4)}]`).join(', '));
