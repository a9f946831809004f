import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { spanFilter } from '@downscale/simplify';
import { CorpusReadError } from './documents.js';
import { FilterPool } from './filter-pool.js';
import { shardFiles } from './shard.js';
import { simplifyCorpus, type SimplifyCorpusOptions } from './simplify-corpus.js';
import { TEST_VOCABULARY, generatedText, seededRandom, temporaryFolder } from './testing.js';

interface Record {
  readonly text: string;
  readonly id?: string;
  readonly meta?: { readonly redpajama_set_name: string };
}

/** Twelve JSONL files of five generated documents: one file a shard, with shardBytes 1. */
function corpusFiles(): Map<string, Record[]> {
  const random = seededRandom(42);
  const files = new Map<string, Record[]>();
  for (let f = 0; f < 12; f++) {
    const name = `part-${String(f).padStart(2, '0')}.jsonl`;
    const subset = [undefined, 'RedPajamaC4', 'RedPajamaBook'][f % 3];
    files.set(
      name,
      Array.from({ length: 5 }, (_, i) => ({
        text: generatedText(random, 4 + ((i * 7 + f) % 13)),
        ...(i % 4 === 0 ? { id: `${name}-doc-${i}` } : {}),
        ...(subset ? { meta: { redpajama_set_name: subset } } : {}),
      })),
    );
  }
  return files;
}

async function outputFiles(outDir: string): Promise<Map<string, string>> {
  const contents = new Map<string, string>();
  for (const name of ['spans.jsonl', 'stats.json']) contents.set(name, await readFile(join(outDir, name), 'utf8'));
  for (const name of (await readdir(join(outDir, 'shards'))).sort()) contents.set(`shards/${name}`, await readFile(join(outDir, 'shards', name), 'utf8'));
  return contents;
}

describe('simplifyCorpus', () => {
  let folder: { path: string; remove: () => Promise<void> };
  let inputs: string;
  let options: (outDir: string) => SimplifyCorpusOptions;
  let reference: Map<string, string>;
  const files = corpusFiles();

  before(async () => {
    folder = await temporaryFolder();
    inputs = join(folder.path, 'in');
    await mkdir(inputs);
    for (const [name, records] of files) await writeFile(join(inputs, name), records.map((record) => `${JSON.stringify(record)}\n`).join(''));
    options = (outDir) => ({ inputs, vocabulary: TEST_VOCABULARY, outDir, minWords: 6, shardBytes: 1 });
    await simplifyCorpus({ ...options(join(folder.path, 'reference')), workers: 1 });
    reference = await outputFiles(join(folder.path, 'reference'));
  });
  after(() => folder.remove());

  it('writes one spans.jsonl line per span, in input order, as the span filter finds them', async () => {
    const expected: string[] = [];
    for (const [name, records] of files) {
      records.forEach((record, index) => {
        for (const span of spanFilter(record.text, TEST_VOCABULARY, { minWords: 6 }).spans) {
          const doc = record.id ?? `${name}:${index + 1}`;
          const subset = record.meta?.redpajama_set_name;
          expected.push(JSON.stringify(subset ? { doc, text: span.text, words: span.words, oov: span.oov, subset } : { doc, text: span.text, words: span.words, oov: span.oov }));
        }
      });
    }
    assert.ok(expected.length > 30, 'the generated corpus should yield spans');
    assert.deepEqual(reference.get('spans.jsonl')?.trimEnd().split('\n'), expected);
    const stats = JSON.parse(reference.get('stats.json') ?? '');
    assert.equal(stats.documentsIn, 60);
    assert.equal(stats.spans, expected.length);
    assert.equal(stats.shards, 12);
    assert.deepEqual(Object.keys(stats.subsets), ['(none)', 'RedPajamaBook', 'RedPajamaC4']);
    assert.equal(stats.badRecords.count, 0);
    // The other tests compare stats.json byte for byte, these included: workers and resumes sample the same spans.
    assert.equal(stats.spanSamples.length, 20);
    assert.ok(stats.spanSamples.every((sample: { text: string }) => expected.some((line) => JSON.parse(line).text.startsWith(sample.text))));
    assert.equal(stats.topWords.length, stats.types, 'fewer word types than the list holds: all of them');
    assert.equal(stats.topWords.reduce((sum: number, word: { count: number }) => sum + word.count, 0), stats.wordsOut);
    const manifest = JSON.parse(await readFile(join(folder.path, 'reference', 'manifest.json'), 'utf8'));
    assert.deepEqual(manifest.completed, { shards: stats.shards });
  });

  it('writes the same files with 2 worker threads as in one thread', async () => {
    const outDir = join(folder.path, 'two-workers');
    await simplifyCorpus({ ...options(outDir), workers: 2 });
    assert.deepEqual(await outputFiles(outDir), reference);
  });

  it('reads .jsonl.zst and .parquet inputs inside worker threads like in the main thread', async () => {
    const mixed = join(folder.path, 'mixed');
    await mkdir(mixed);
    await copyFile(fileURLToPath(new URL('../test-fixtures/sample.jsonl.zst', import.meta.url)), join(mixed, 'a.jsonl.zst'));
    const texts = Array.from({ length: 6 }, (_, i) => generatedText(seededRandom(100 + i), 12));
    await writeFile(join(mixed, 'b.parquet'), Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'text', data: texts, type: 'STRING' }], rowGroupSize: 4 })));
    const outputs = [];
    for (const workers of [1, 2]) {
      const result = await simplifyCorpus({ inputs: mixed, vocabulary: TEST_VOCABULARY, outDir: join(folder.path, `mixed-${workers}`), minWords: 2, shardBytes: 1, workers });
      assert.equal(result.stats.documentsIn, 10);
      assert.equal(result.stats.shards, 2);
      outputs.push(await outputFiles(join(folder.path, `mixed-${workers}`)));
    }
    assert.deepEqual(outputs[1], outputs[0]);
    assert.match(outputs[0]?.get('spans.jsonl') ?? '', /"doc":"b\.parquet:1"/);
    assert.match(outputs[0]?.get('spans.jsonl') ?? '', /"doc":"a\.jsonl\.zst:1","text":"The cat sat on the mat/);
  });

  it('runs on a given FilterPool, which must have the same vocabulary, and leaves it open', async () => {
    const pool = new FilterPool(2, TEST_VOCABULARY);
    try {
      for (const run of [1, 2]) {
        const outDir = join(folder.path, `pool-${run}`);
        await simplifyCorpus({ ...options(outDir), pool });
        assert.deepEqual(await outputFiles(outDir), reference);
      }
      await assert.rejects(simplifyCorpus({ ...options(join(folder.path, 'pool-other')), vocabulary: new Set(['the']), pool }), /another vocabulary/);
    } finally {
      await pool.close();
    }
  });

  it('resumes an interrupted run shard by shard, losing and duplicating nothing', async () => {
    const outDir = join(folder.path, 'interrupted');
    const stop = new AbortController();
    await assert.rejects(
      simplifyCorpus({ ...options(outDir), workers: 2, signal: stop.signal, onProgress: (progress) => progress.shardsWritten >= 3 && stop.abort() }),
      { name: 'AbortError' },
    );
    const written = (await readdir(join(outDir, 'shards'))).filter((name) => name.startsWith('stats-')).length;
    assert.ok(written >= 3 && written < Number(JSON.parse(reference.get('stats.json') ?? '').shards), `${written} shards written before the stop`);
    const result = await simplifyCorpus({ ...options(outDir), workers: 1 });
    assert.equal(result.shardsResumed, written);
    assert.deepEqual(await outputFiles(outDir), reference);
  });

  it('resumes from shards stored before span samples were, sampling only the shards it writes', async () => {
    const outDir = join(folder.path, 'older-shards');
    await simplifyCorpus({ ...options(outDir), workers: 1 });
    // Shards 0-5 as an older version stored them (no samples); 6-11 unfinished.
    for (let index = 0; index < 12; index++) {
      const { stats } = shardFiles(outDir, index);
      if (index >= 6) {
        await rm(stats);
        continue;
      }
      const { spanSamples: _dropped, ...older } = JSON.parse(await readFile(stats, 'utf8'));
      await writeFile(stats, JSON.stringify(older));
    }
    const result = await simplifyCorpus({ ...options(outDir), workers: 2 });
    assert.equal(result.shardsResumed, 6);
    const { spanSamples, ...rest } = result.stats;
    const { spanSamples: referenceSamples, ...referenceRest } = JSON.parse(reference.get('stats.json') ?? '');
    assert.deepEqual(JSON.parse(JSON.stringify(rest)), referenceRest, 'every other statistic as in one run');
    const fromWrittenShards = (sample: { doc: string }) => /part-(0[6-9]|1[01])/.test(sample.doc);
    assert.ok(spanSamples.length > 0 && spanSamples.every(fromWrittenShards), spanSamples.map((sample) => sample.doc).join(' '));
    for (const sample of referenceSamples.filter(fromWrittenShards)) assert.ok(spanSamples.some((kept) => kept.doc === sample.doc && kept.text === sample.text));
  });

  it('redoes a shard left half-written by a crash', async () => {
    const outDir = join(folder.path, 'crashed');
    await simplifyCorpus({ ...options(outDir), workers: 1 });
    const shard = shardFiles(outDir, 2);
    // A crash after the spans file was renamed but before the stats file: the shard is unfinished.
    await rm(shard.stats);
    await writeFile(shard.spans, '{"doc":"partial"');
    await writeFile(`${shard.stats}.tmp-12345`, '{');
    await rm(join(outDir, 'spans.jsonl'));
    const result = await simplifyCorpus({ ...options(outDir), workers: 2 });
    assert.equal(result.shardsResumed, result.stats.shards - 1);
    const output = await outputFiles(outDir);
    output.delete('shards/stats-00002.json.tmp-12345');
    assert.deepEqual(output, reference);
  });

  it('refuses an output folder of a run with other settings unless told to restart', async () => {
    const outDir = join(folder.path, 'other-settings');
    await simplifyCorpus(options(outDir));
    await assert.rejects(simplifyCorpus({ ...options(outDir), minWords: 3 }), /holds the output of a run with other inputs or settings/);
    const result = await simplifyCorpus({ ...options(outDir), minWords: 3, restart: true });
    assert.equal(result.stats.filter.minWords, 3);
    assert.equal(result.shardsResumed, 0);
  });

  it('never reads its own output when the output folder is inside an input directory', async () => {
    const outDir = join(inputs, 'out');
    try {
      const first = await simplifyCorpus(options(outDir));
      await rm(join(outDir, 'spans.jsonl'));
      const second = await simplifyCorpus(options(outDir));
      assert.equal(second.stats.documentsIn, 60);
      assert.equal(second.shardsResumed, first.stats.shards);
      assert.equal(await readFile(join(outDir, 'spans.jsonl'), 'utf8'), reference.get('spans.jsonl'));
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });

  it('fails on a bad record naming file and line, or with skipBad skips and counts it, in any thread', async () => {
    const badInputs = join(folder.path, 'bad-in');
    await mkdir(badInputs);
    const good = generatedText(seededRandom(3), 30);
    await writeFile(join(badInputs, 'x.jsonl'), `${JSON.stringify({ text: good })}\n{"text": oops}\n${JSON.stringify({ text: good })}\n`);
    await writeFile(join(badInputs, 'y.jsonl'), `${JSON.stringify({ text: good })}\n{"words": 3}\n`);
    for (const workers of [1, 2]) {
      const badOptions = { ...options(join(folder.path, `bad-out-${workers}`)), inputs: badInputs, workers };
      await assert.rejects(simplifyCorpus(badOptions), (error: unknown) => {
        assert.ok(error instanceof CorpusReadError, `workers=${workers}: ${String(error)}`);
        assert.match(error.message, /x\.jsonl:2: not valid JSON/);
        return true;
      });
      const result = await simplifyCorpus({ ...badOptions, skipBad: true });
      assert.equal(result.stats.documentsIn, 3);
      assert.equal(result.stats.badRecords.count, 2);
      assert.match(result.stats.badRecords.examples[0] ?? '', /x\.jsonl:2: not valid JSON/);
      assert.match(result.stats.badRecords.examples[1] ?? '', /y\.jsonl:2: the record has no "text" field/);
    }
  });

});
