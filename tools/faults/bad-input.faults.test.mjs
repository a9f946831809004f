// Bad input end to end (npm run test:faults): each gets a clear error naming the problem, and
// nothing is accepted half-way. Drives the built `downscale` command and the event publisher
// against a private nats-server. Input problems the libraries already test in detail (a
// malformed JSONL line, schema violations dead-lettered, `..` and absolute artifact keys)
// are covered there: libs/corpus-io, apps/cli simplify.test, libs/messaging, libs/artifacts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventSubjects } from '@downscale/contracts';
import { connectNats, ensureStreams, EventPublisher, startNatsServer, streamNames } from '@downscale/messaging';
import { jetstreamManager } from '@nats-io/jetstream';
import { parquetWriteBuffer } from 'hyparquet-writer';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'apps/cli/bin/downscale.mjs');
const sentences = Array.from({ length: 30 }, () => 'the cat sat on the mat and the dog ran to the big red ball.').join(' ');

describe('bad input: a clear error naming the problem', { timeout: 120_000 }, () => {
  let dir;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'downscale-bad-input-'));
    writeFileSync(join(dir, 'good.txt'), sentences);
    writeFileSync(join(dir, 'vocab.csv'), ',word,frequency\n' + ['the', 'cat', 'sat', 'on', 'mat', 'and', 'dog', 'ran', 'to', 'big', 'red', 'ball'].map((w, i) => `${i},${w},${100 - i}`).join('\n'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Runs `downscale simplify`; returns its exit status and stderr. */
  function simplify(input, vocab, out = join(dir, `out-${Math.random().toString(36).slice(2)}`)) {
    const result = spawnSync(process.execPath, [cli, 'simplify', '--input', input, '--vocab', vocab, '--out', out, '--min-words', '4', '--workers', '1'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    return { status: result.status, stderr: result.stderr, out };
  }

  it('the good input goes through (the baseline of the cases below)', () => {
    const { status, stderr, out } = simplify(join(dir, 'good.txt'), join(dir, 'vocab.csv'));
    assert.equal(status, 0, stderr);
    assert.ok(readFileSync(join(out, 'spans.jsonl'), 'utf8').length > 0);
  });

  it('a corrupt .jsonl.zst shard: names the file and the byte where the zstd stream breaks', () => {
    const whole = readFileSync(join(root, 'libs/corpus-io/test-fixtures/sample.jsonl.zst'));
    const shard = join(dir, 'corrupt.jsonl.zst');
    writeFileSync(shard, whole.subarray(0, whole.length - 20));
    const { status, stderr } = simplify(shard, join(dir, 'vocab.csv'));
    assert.notEqual(status, 0);
    assert.match(stderr, /corrupt\.jsonl\.zst.*at byte \d+: the zstd stream ends early/);
  });

  it('a parquet file without a text column: names the file and the columns it has', () => {
    const file = join(dir, 'notext.parquet');
    writeFileSync(file, Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'body', data: [sentences], type: 'STRING' }] })));
    const { status, stderr } = simplify(file, join(dir, 'vocab.csv'));
    assert.notEqual(status, 0);
    assert.match(stderr, /notext\.parquet: the Parquet file has no "text" column \(columns: body\)/);
  });

  it('an empty vocabulary file', () => {
    writeFileSync(join(dir, 'empty.csv'), '');
    const { status, stderr } = simplify(join(dir, 'good.txt'), join(dir, 'empty.csv'));
    assert.notEqual(status, 0);
    assert.match(stderr, /empty\.csv: the CSV vocabulary is empty/);
  });

  it('a binary vocabulary file: said to be binary, not shown as a garbled header', () => {
    writeFileSync(join(dir, 'model.csv'), Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 37) % 256)));
    const { status, stderr } = simplify(join(dir, 'good.txt'), join(dir, 'model.csv'));
    assert.notEqual(status, 0);
    assert.match(stderr, /vocabulary file .*model\.csv is binary \(a NUL byte at offset \d+\), not text/);
  });

  it('a vocabulary that keeps no span at all: an error, not an empty corpus', () => {
    writeFileSync(join(dir, 'unrelated.csv'), ',word,frequency\n0,zebra,5\n1,quasar,3\n');
    const { status, stderr } = simplify(join(dir, 'good.txt'), join(dir, 'unrelated.csv'));
    assert.notEqual(status, 0);
    assert.match(stderr, /no span was kept: the vocabulary \(.*unrelated\.csv, 2 words\)/);
  });

  describe('an oversized message', () => {
    let server;
    let nc;
    before(async () => {
      server = await startNatsServer();
      nc = await connectNats({ servers: server.url, name: 'bad-input-test' });
      await ensureStreams(nc);
    });
    after(async () => {
      await nc?.close();
      await server?.stop();
    });

    it('is refused before sending, naming its size and the limit, and nothing reaches the stream', async () => {
      const points = Array.from({ length: 9000 }, (_, step) => ({ step, tokens: step * 32, flopsKaplan: step * 1e6, trainLoss: 1.234567, evalLoss: 2.345678, learningRate: 1e-4 }));
      const publisher = new EventPublisher(nc, 'test');
      await assert.rejects(
        publisher.publish(eventSubjects.metricsReported, { runId: 'run-big', points }, { id: 'metrics:run-big:0-8999' }),
        /the message is \d+ bytes, over the NATS server's max_payload of \d+ bytes/,
      );
      const stream = await (await jetstreamManager(nc)).streams.info(streamNames.events, { subjects_filter: eventSubjects.metricsReported });
      assert.equal(stream.state.subjects?.[eventSubjects.metricsReported] ?? 0, 0);
    });
  });
});
