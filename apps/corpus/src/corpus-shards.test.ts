import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ClientProxy } from '@nestjs/microservices';
import { firstValueFrom } from 'rxjs';
import { ArtifactStore } from '@downscale/artifacts';
import { eventSubjects, rpcSubjects, type CorpusReady } from '@downscale/contracts';
import { simplifyCorpus } from '@downscale/corpus-io';
import { collectEvents, eventually, SERVICE_BUS, startTestStack, type EventCollector, type RunningService, type TestStack } from '@downscale/service-kit';
import { corpusModule } from './corpus.module.js';
import { CorpusShards } from './corpus-shards.js';
import { simpleText, words } from './test-fixtures.js';

describe('corpus service replicas share the shards of a corpus through the work queue', () => {
  let stack: TestStack;
  let replicas: RunningService[];
  let watcher: EventCollector<typeof eventSubjects.corpusReady>;
  let dir: string;
  const files = 8;

  before(async () => {
    stack = await startTestStack();
    dir = join(stack.home, 'fixtures');
    mkdirSync(join(dir, 'in'), { recursive: true });
    writeFileSync(join(dir, 'words.txt'), words.join('\n'));
    // About 200 kB per file, each its own shard (1-byte shards: a file is never split).
    for (let i = 0; i < files; i++) writeFileSync(join(dir, 'in', `doc${i}.txt`), `${simpleText(20_000, i)} Suddenly an aardvark appeared. ${simpleText(20_000, i + 1)}`);
    const settings = { shardWorkers: 1, shardBytes: 1 };
    replicas = [await stack.start({ service: 'corpus', feature: corpusModule(settings) }), await stack.start({ service: 'corpus', feature: corpusModule(settings) })];
    watcher = await collectEvents(stack.nats.url, eventSubjects.corpusReady);
  });

  after(async () => {
    await watcher?.close();
    await stack?.close();
  });

  it('both replicas filter shards, and the corpus is the one a single process writes', async () => {
    const bus = replicas[0]!.app.get<ClientProxy>(SERVICE_BUS);
    await firstValueFrom(bus.send(rpcSubjects.prepareCorpus, { source: join(dir, 'in'), vocabulary: join(dir, 'words.txt'), variant: 'simplified', tokenizerVocabSize: 60, filter: { minWords: 8 } }));
    const event: CorpusReady = await eventually('corpus.ready', 120_000, async () => watcher.events[0]);
    const written = replicas.map((replica) => replica.app.get(CorpusShards).shardsWritten);
    assert.equal(written[0]! + written[1]!, files, `every shard written once (${written.join(' + ')})`);
    assert.ok(written.every((count) => count > 0), `both replicas took shards (${written.join(' + ')})`);

    const local = await simplifyCorpus({ inputs: join(dir, 'in'), vocabulary: new Set(words), outDir: join(stack.home, 'local'), minWords: 8 });
    const store = new ArtifactStore(join(stack.home, 'artifacts'));
    assert.equal(readFileSync(join(store.path(event.uri), 'text', 'spans.jsonl'), 'utf8'), readFileSync(local.spansFile!, 'utf8'));
    assert.equal(event.stats.wordsOut, local.stats.wordsOut);
  });

  it('a shard that cannot be read fails its corpus with the file and line, whichever replica took it', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"text": "the cat sat."}\n{"text": oops}\n');
    const outDir = join(stack.home, 'artifacts', 'work', 'bad-build');
    mkdirSync(join(outDir, 'shards'), { recursive: true });
    const runShard = replicas[1]!.app.get(CorpusShards).runner({ jobId: 'bad-job', source: bad, vocabulary: join(dir, 'words.txt'), variant: 'simplified', filter: { minWords: 8, maxOovFraction: 0.01, fromSentenceStart: true }, tokenizerVocabSize: 60, skipBad: false }, new Set(words));
    const shard = { index: 0, files: [{ path: bad, format: 'jsonl' as const }], filterOptions: { minWords: 8, maxOovFraction: 0.01, fromSentenceStart: true }, outDir, skipBad: false };
    await assert.rejects(runShard(shard), /shard 0: .*bad\.jsonl:2: not valid JSON.*pass skipBad/);
  });
});
