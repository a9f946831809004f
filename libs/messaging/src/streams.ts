import { streamSubjects } from '@downscale/contracts';
import {
  JetStreamApiError,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/nats-core';

/** The JetStream streams, named after the subject families they capture (see `streamSubjects`). */
export const streamNames = {
  events: 'EVENTS',
  jobs: 'JOBS',
  deadLetters: 'DEADLETTERS',
} as const;
export type StreamName = (typeof streamNames)[keyof typeof streamNames];

const DAY_MS = 24 * 60 * 60 * 1_000;
/** Within this window a re-publish with the same Nats-Msg-Id (the envelope id) is dropped. */
export const DUPLICATE_WINDOW_MS = 2 * 60 * 1_000;
/** The "stream name already in use" JetStream API error: the stream exists, so update it. */
const STREAM_NAME_IN_USE = 10058;

type WantedStream = Pick<StreamConfig, 'name' | 'subjects' | 'retention' | 'storage' | 'max_age' | 'duplicate_window' | 'num_replicas'>;

export interface EnsureStreamsOptions {
  /** Copies of each stream in a JetStream cluster; 1 for a single server. */
  replicas?: number;
}

function wantedStreams(replicas: number): WantedStream[] {
  const common = { storage: StorageType.File, duplicate_window: nanos(DUPLICATE_WINDOW_MS), num_replicas: replicas };
  return [
    // Events are kept for a month whether or not they were consumed: the database is the
    // long-term record; the stream only has to outlast a consumer's downtime.
    { ...common, name: streamNames.events, subjects: [streamSubjects.events], retention: RetentionPolicy.Limits, max_age: nanos(30 * DAY_MS) },
    // A job is removed once a worker acks it, and each job goes to one worker only.
    { ...common, name: streamNames.jobs, subjects: [streamSubjects.jobs], retention: RetentionPolicy.Workqueue, max_age: 0 },
    // Dead letters wait for a person, who may take a while.
    { ...common, name: streamNames.deadLetters, subjects: [streamSubjects.deadLetters], retention: RetentionPolicy.Limits, max_age: nanos(365 * DAY_MS) },
  ];
}

/** Creates the streams, or brings existing ones to the wanted configuration; safe to call from every service at start. */
export async function ensureStreams(nc: NatsConnection, options: EnsureStreamsOptions = {}): Promise<void> {
  const jsm = await jetstreamManager(nc);
  for (const wanted of wantedStreams(options.replicas ?? 1)) await ensureStream(jsm, wanted);
}

async function ensureStream(jsm: JetStreamManager, wanted: WantedStream): Promise<void> {
  let config: StreamConfig;
  try {
    config = (await jsm.streams.add(wanted)).config;
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === STREAM_NAME_IN_USE)) {
      throw new Error(`could not create JetStream stream ${wanted.name}: ${(error as Error).message}`, { cause: error });
    }
    const { name, subjects, max_age, duplicate_window, num_replicas } = wanted;
    try {
      config = (await jsm.streams.update(name, { subjects, max_age, duplicate_window, num_replicas })).config;
    } catch (updateError) {
      throw new Error(`could not update JetStream stream ${name}: ${(updateError as Error).message}`, { cause: updateError });
    }
  }
  // Retention and storage cannot be changed in place, and an update silently keeps the old ones.
  if (config.retention !== wanted.retention || config.storage !== wanted.storage) {
    throw new Error(
      `JetStream stream ${wanted.name} exists with retention ${config.retention} and storage ${config.storage}, ` +
        `but ${wanted.retention} and ${wanted.storage} are needed: remove it ("nats stream rm ${wanted.name}") and start again`,
    );
  }
}
