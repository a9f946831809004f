/** Fault test of the corpus service (npm run test:faults): a real corpus process stopped (SIGTERM) mid-job. */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { ArtifactStore } from '@downscale/artifacts';
import { corpusProgress, eventSubjects, jobSubjects, progressSubjects, type PayloadInput } from '@downscale/contracts';
import { finishedShards } from '@downscale/corpus-io';
import { connectNats, EventPublisher, streamNames } from '@downscale/messaging';
import { Corpus, openDatabase } from '@downscale/persistence';
import { eventually, spawnService, startTestStack, type ServiceProcess, type TestStack } from '@downscale/service-kit';
import { readTokenFile } from '@downscale/tokenizer';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import type { DataSource } from 'typeorm';
import { TOKENIZER_FILE, TOKENS_FILE } from './corpus-builder.js';
import { simpleText, words } from './test-fixtures.js';

const corpusMain = fileURLToPath(new URL('./main.js', import.meta.url));
// 40 files of about 1 MB: three 16 MiB shards, a few seconds of work, so the stop lands mid-job.
const FILES = 40;
const WORDS_PER_FILE = 250_000;

describe('corpus faults: SIGTERM mid-job', { timeout: 240_000 }, () => {
  let stack: TestStack;
  let db: DataSource;
  let nc: NatsConnection;
  let dir: string;
  const services: ServiceProcess[] = [];
  const env = () => ({ ...stack.env, SHUTDOWN_TIMEOUT_MS: '20000' });

  before(async () => {
    stack = await startTestStack();
    dir = join(stack.home, 'fixtures');
    mkdirSync(join(dir, 'in'), { recursive: true });
    writeFileSync(join(dir, 'words.txt'), words.join('\n'));
    for (let i = 0; i < FILES; i++) writeFileSync(join(dir, 'in', `doc${i}.txt`), simpleText(WORDS_PER_FILE, i));
    db = await openDatabase({ sqlitePath: join(stack.home, 'downscale.sqlite'), migrate: 'none' });
    nc = await connectNats({ servers: stack.nats.url, name: 'corpus-faults-test' });
  });

  after(async () => {
    for (const service of services) await service.kill();
    await nc?.close();
    await db?.destroy();
    await stack?.close();
  });

  const corporaDir = () => join(stack.home, 'artifacts', 'corpora');
  const readyCount = async () => {
    const info = await (await jetstreamManager(nc)).streams.info(streamNames.events, { subjects_filter: eventSubjects.corpusReady });
    return info.state.subjects?.[eventSubjects.corpusReady] ?? 0;
  };
  /** Every corpus in the artifact store is whole: no staging folder, every file there, the token file readable to its end. */
  const assertWholeArtifacts = async () => {
    const entries = existsSync(corporaDir()) ? readdirSync(corporaDir()) : [];
    for (const entry of entries) {
      assert.doesNotMatch(entry, /partial/, `no half-written corpus left in the artifact store: ${entry}`);
      for (const file of [TOKENIZER_FILE, TOKENS_FILE, join('text', 'spans.jsonl')]) assert.ok(existsSync(join(corporaDir(), entry, file)), `${entry}/${file}`);
      await readTokenFile(join(corporaDir(), entry, TOKENS_FILE));
    }
    return entries;
  };

  it('stops cleanly (exit 0) mid-job leaving no corpus, no corpus.ready and no half-written artifact; the next process resumes the job and completes it once', async () => {
    services.push(await spawnService(corpusMain, env()));
    const job: PayloadInput<typeof jobSubjects.corpusJob> = {
      jobId: 'job-sigterm',
      source: join(dir, 'in'),
      vocabulary: join(dir, 'words.txt'),
      variant: 'simplified',
      tokenizerVocabSize: 60,
      filter: { minWords: 8 },
    };
    const progress = nc.subscribe(progressSubjects.corpus(job.jobId), { timeout: 120_000 });
    await new EventPublisher(nc, 'test').publish(jobSubjects.corpusJob, job, { id: `corpus-job:${job.jobId}` });
    const { contentHash } = JSON.parse(await services[0]!.waitForLine(/"msg":"preparing corpus"/, 60_000)) as { contentHash: string };
    // Stop once the first shard is done, so that a finished shard is there to resume from.
    for await (const message of progress) if ((corpusProgress.parse(message.json()).bytesDone ?? 0) > 0) break;
    progress.unsubscribe();
    // Exit 0 means within SHUTDOWN_TIMEOUT_MS: past it, the service exits 1.
    assert.equal(await services[0]!.stop(), 0, `a clean stop:\n${services[0]!.output.slice(-10).join('\n')}`);
    assert.equal(await db.getRepository(Corpus).count(), 0, `stopped mid-job, storing no corpus:\n${services[0]!.output.slice(-10).join('\n')}`);
    assert.equal(await readyCount(), 0, 'no corpus.ready for the unfinished job');
    assert.deepEqual(await assertWholeArtifacts(), [], 'no corpus in the artifact store');
    const kept = await finishedShards(join(stack.home, 'artifacts', 'work', 'corpora', contentHash, 'text'));
    assert.ok(kept.size > 0, 'the finished shards are kept for the next delivery');

    // The job went back to the queue: the next process resumes it and completes it once.
    services.push(await spawnService(corpusMain, env()));
    const corpus = await eventually('the corpus', 120_000, async () => (await db.getRepository(Corpus).find())[0]);
    const jsm = await jetstreamManager(nc);
    await eventually('the corpus job to be acknowledged', 60_000, async () => {
      const info = await jsm.consumers.info(streamNames.jobs, 'corpus-jobs');
      return info.num_pending === 0 && info.num_ack_pending === 0 ? true : undefined;
    });
    assert.equal(await db.getRepository(Corpus).count(), 1, 'one corpus');
    assert.equal(await readyCount(), 1, 'one corpus.ready');
    assert.deepEqual(await assertWholeArtifacts(), [corpus.contentHash]);
    const { summary } = await readTokenFile(join(new ArtifactStore(join(stack.home, 'artifacts')).path(corpus.uri!), TOKENS_FILE));
    assert.equal(summary.tokens, corpus.stats?.['tokens'], 'the stored token count is the token file\'s');
    // Every sentence is in the vocabulary: each word exactly once, none lost or repeated across the resumed shards.
    assert.deepEqual([corpus.stats?.['wordsIn'], corpus.stats?.['wordsOut']], [FILES * WORDS_PER_FILE, FILES * WORDS_PER_FILE]);
    assert.equal(await services[1]!.stop(), 0);
  });
});
