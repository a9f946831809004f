import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ArtifactStore } from '@downscale/artifacts';
import { eventSubjects, prepareCorpusReply, rpcSubjects, type CorpusReady } from '@downscale/contracts';
import { connectNats, EventPublisher } from '@downscale/messaging';
import { Corpus, openDatabase, Tokenizer, Vocabulary } from '@downscale/persistence';
import { collectEvents, eventually, SERVICE_BUS, startTestStack, type EventCollector, type RunningService, type TestStack } from '@downscale/service-kit';
import { readTokenFile, loadTokenizer } from '@downscale/tokenizer';
import type { NatsConnection } from '@nats-io/nats-core';
import type { DataSource } from 'typeorm';
import { CorpusModule } from './corpus.module.js';
import { simpleText, words } from './test-fixtures.js';

describe('corpus service: jobs, reuse, experiments', () => {
  let stack: TestStack;
  let corpus: RunningService;
  let db: DataSource;
  let nc: NatsConnection;
  let watcher: EventCollector<typeof eventSubjects.corpusReady>;
  let ready: CorpusReady[];
  let dir: string;

  before(async () => {
    stack = await startTestStack();
    dir = join(stack.home, 'fixtures');
    mkdirSync(join(dir, 'in'), { recursive: true });
    writeFileSync(join(dir, 'words.txt'), words.join('\n'));
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, 'in', `doc${i}.txt`), `${simpleText(60, i)} Suddenly an aardvark appeared. ${simpleText(40, i + 1)}`);
    corpus = await stack.start({ service: 'corpus', feature: CorpusModule });
    db = await openDatabase({ sqlitePath: join(stack.home, 'downscale.sqlite'), migrate: 'none' });
    nc = await connectNats({ servers: stack.nats.url, name: 'corpus-test' });
    watcher = await collectEvents(stack.nats.url, eventSubjects.corpusReady);
    ready = watcher.events;
  });

  after(async () => {
    await watcher?.close();
    await nc?.close();
    await db?.destroy();
    await stack?.close();
  });

  const bus = () => corpus.app.get<ClientProxy>(SERVICE_BUS);
  const request = () => ({ source: join(dir, 'in'), vocabulary: join(dir, 'words.txt'), variant: 'simplified', tokenizerVocabSize: 60, filter: { minWords: 8 } });

  it('prepares a simplified corpus on request: spans, tokenizer and token ids stored, corpus.ready published', async () => {
    const reply = prepareCorpusReply.parse(await firstValueFrom(bus().send(rpcSubjects.prepareCorpus, request())));
    assert.match(reply.progressSubject, new RegExp(`${reply.jobId}$`));
    const event = await eventually('corpus.ready', 60_000, async () => ready[0]);
    assert.equal(event.variant, 'simplified');
    assert.ok(event.stats.wordsOut > 0 && event.stats.wordsOut < event.stats.wordsIn, JSON.stringify(event.stats));
    assert.ok(event.stats.tokens > event.stats.wordsOut / 4);

    const stored = await db.getRepository(Corpus).findOneByOrFail({ id: event.corpusId });
    assert.equal(stored.contentHash, event.contentHash);
    assert.equal(stored.stats?.['wordsOut'], event.stats.wordsOut);
    assert.ok(stored.stats?.['zipfCoefficient'] !== undefined, 'the full statistics are stored');
    const samples = stored.stats?.['spanSamples'] as { text: string }[];
    assert.ok(samples.length > 0 && samples.every((sample) => typeof sample.text === 'string'), 'with a sample of spans for the dashboard');
    assert.ok((stored.stats?.['topWords'] as unknown[]).length > 0, 'and the most frequent words');
    const vocabulary = await db.getRepository(Vocabulary).findOneByOrFail({ id: stored.vocabularyId! });
    assert.equal(vocabulary.wordCount, words.length);

    const store = new ArtifactStore(join(stack.home, 'artifacts'));
    const tokenizerRow = await db.getRepository(Tokenizer).findOneByOrFail({ id: event.tokenizerId });
    const tokenizer = await loadTokenizer(store.path(tokenizerRow.uri));
    assert.equal(tokenizer.vocabSize, event.vocabSize);
    const { ids, summary } = await readTokenFile(join(store.path(event.uri), 'tokens.bin'));
    assert.equal(summary.tokens, event.stats.tokens);
    assert.doesNotMatch(tokenizer.decode([...ids.slice(0, 200)]), /aardvark/, 'out-of-vocabulary text was filtered out');
    assert.ok(existsSync(join(store.path(event.uri), 'text', 'spans.jsonl')));
  });

  it('reuses the corpus when the inputs and settings are the same', async () => {
    await firstValueFrom(bus().send(rpcSubjects.prepareCorpus, request()));
    const second = await eventually('a second corpus.ready', 60_000, async () => ready[1]);
    assert.equal(second.corpusId, ready[0]!.corpusId);
    assert.equal(await db.getRepository(Corpus).count(), 1);
  });

  it('refuses an invalid request, naming the field', async () => {
    await assert.rejects(
      firstValueFrom(bus().send(rpcSubjects.prepareCorpus, { ...request(), variant: 'regular' })),
      (error: unknown) => JSON.stringify(error).includes('wordBudget'),
    );
  });

  it('prepares both corpora of a new experiment, the regular one capped to the simplified one\'s words', async () => {
    const publisher = new EventPublisher(nc, 'test');
    await publisher.publish(
      eventSubjects.experimentCreated,
      {
        experimentId: 'exp-corpus',
        createdAt: new Date().toISOString(),
        spec: {
          name: 'corpus test',
          preset: 'custom',
          corpus: { source: join(dir, 'in'), vocabulary: join(dir, 'words.txt') },
          grid: { hiddenSizes: [16], layers: [1], variants: ['simplified', 'regular'], seeds: [0] },
          tokenBudget: 1000,
          tasks: [],
        },
      },
      { id: 'experiment:exp-corpus' },
    );
    const both = await eventually('both corpora of the experiment', 90_000, async () => {
      const mine = ready.filter((r) => r.experimentId === 'exp-corpus');
      return mine.length === 2 ? mine : undefined;
    });
    const [simplified, regular] = [both.find((r) => r.variant === 'simplified')!, both.find((r) => r.variant === 'regular')!];
    assert.ok(regular.stats.wordsOut <= simplified.stats.wordsOut, JSON.stringify([simplified.stats, regular.stats]));
    assert.ok(regular.stats.wordsOut >= simplified.stats.wordsOut * 0.9, 'matched in size');
    assert.notEqual(regular.tokenizerId, simplified.tokenizerId, 'a tokenizer per corpus');
  });
});
