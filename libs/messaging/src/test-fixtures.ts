/** Helpers for this lib's tests: a private NATS per test, payloads, polling, an in-memory ledger. */
import { deadLetter, deadLetterSubject, jobSubjects, type DeadLetter, type PayloadInput, eventSubjects } from '@downscale/contracts';
import { jetstreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { setTimeout as delay } from 'node:timers/promises';
import type { ConsumerLogger } from './durable-consumer.js';
import type { EffectLedger } from './effect-ledger.js';
import { connectNats } from './nats-connection.js';
import { ensureStreams, streamNames } from './streams.js';
import { startNatsServer, type NatsServerProcess } from './testing/nats-server.js';

export interface TestBus {
  server: NatsServerProcess;
  /** A connection with the streams created. */
  nc: NatsConnection;
  /** Another connection, e.g. one per worker; closed by close(). */
  connect(name: string): Promise<NatsConnection>;
  close(): Promise<void>;
}

export async function startTestBus(): Promise<TestBus> {
  const server = await startNatsServer();
  const connections: NatsConnection[] = [];
  const connect = async (name: string) => {
    const nc = await connectNats({ servers: server.url, name, reconnectTimeWaitMs: 100 });
    connections.push(nc);
    return nc;
  };
  const nc = await connect('test');
  await ensureStreams(nc);
  return {
    server,
    nc,
    connect,
    close: async () => {
      await Promise.all(connections.map((c) => c.close()));
      await server.stop();
    },
  };
}

export function checkpoint(step: number, runId = 'run-1'): PayloadInput<typeof eventSubjects.checkpointSaved> {
  return { checkpointId: `ck-${runId}-${step}`, runId, step, tokens: step * 1_000, uri: `file:///ck/${runId}/${step}`, sha256: 'a'.repeat(64) };
}

export function trainingJob(runId: string): PayloadInput<typeof jobSubjects.trainingJob> {
  return {
    runId,
    experimentId: 'exp-1',
    corpusId: 'c1',
    tokenizerId: 't1',
    model: { hiddenSize: 64, layers: 2, vocabSize: 1000 },
    training: {
      tokenBudget: 1e6,
      batchSize: 64,
      microBatchSize: 32,
      peakLearningRate: 1e-3,
      minLearningRateRatio: 0.5,
      warmupSteps: 10,
      weightDecay: 0.1,
      gradientClip: 1,
      seed: 1,
      evalInterval: 50,
      checkpointInterval: 100,
    },
  };
}

/** Polls `condition` until it holds; fails naming what was awaited. */
export async function waitFor(description: string, condition: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await delay(25);
  }
}

/** Whether the durable has nothing left to deliver and no delivered message awaiting its ack. */
export async function consumerIsIdle(nc: NatsConnection, stream: string, durable: string): Promise<boolean> {
  const info = await (await jetstreamManager(nc)).consumers.info(stream, durable);
  return info.num_pending === 0 && info.num_ack_pending === 0;
}

/** The dead letters stored for messages that came from `originalSubject`, oldest first. */
export async function readDeadLetters(nc: NatsConnection, originalSubject: string): Promise<DeadLetter[]> {
  const jsm = await jetstreamManager(nc);
  const { state } = await jsm.streams.info(streamNames.deadLetters);
  const letters: DeadLetter[] = [];
  for (let seq = state.first_seq; state.messages > 0 && seq <= state.last_seq; seq++) {
    const stored = await jsm.streams.getMessage(streamNames.deadLetters, { seq });
    if (stored?.subject === deadLetterSubject(originalSubject)) letters.push(deadLetter.parse(stored.json()));
  }
  return letters;
}

/** Keeps consumer log lines for assertions instead of printing them. */
export function recordingLogger(): ConsumerLogger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, warn: (message) => lines.push(`warn: ${message}`), error: (message) => lines.push(`error: ${message}`) };
}

/** A ledger held in memory: our own implementation of the contract, standing in for the database one. */
export class InMemoryLedger implements EffectLedger<undefined> {
  private readonly applied = new Set<string>();

  async runOnce(consumer: string, key: string, effect: (tx: undefined) => Promise<void>): Promise<'applied' | 'duplicate'> {
    const entry = `${consumer}\u0000${key}`;
    if (this.applied.has(entry)) return 'duplicate';
    await effect(undefined);
    this.applied.add(entry);
    return 'applied';
  }
}
