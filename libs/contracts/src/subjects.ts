/**
 * Every NATS subject the system uses, in one place. The version segment lets a v2 payload
 * live beside v1 while consumers migrate.
 */
export const CONTRACT_VERSION = 1 as const;
const root = `downscale.v${CONTRACT_VERSION}` as const;

/** Durable events: captured by the EVENTS stream, consumed with explicit acks. */
export const eventSubjects = {
  experimentCreated: `${root}.events.experiment.created`,
  experimentTasksChanged: `${root}.events.experiment.tasks`,
  corpusReady: `${root}.events.corpus.ready`,
  metricsReported: `${root}.events.training.metrics`,
  checkpointSaved: `${root}.events.checkpoint.saved`,
  evalCompleted: `${root}.events.eval.completed`,
  fitUpdated: `${root}.events.fit.updated`,
  fitRequested: `${root}.events.fit.requested`,
  runStateChanged: `${root}.events.run.state`,
  serviceError: `${root}.events.service.error`,
} as const;

/** Work queues: each message is taken by exactly one worker. */
export const jobSubjects = {
  trainingJob: `${root}.jobs.training`,
  corpusJob: `${root}.jobs.corpus`,
  corpusShard: `${root}.jobs.corpus-shard`,
} as const;

/** Request/reply over Nest's NATS transport (core NATS, not persisted). */
export const rpcSubjects = {
  ping: (service: ServiceName) => `${root}.rpc.${service}.ping`,
  health: (service: ServiceName) => `${root}.rpc.${service}.health`,
  prepareCorpus: `${root}.rpc.corpus.prepare`,
} as const;

/** Commands broadcast on core NATS to every replica of a service (e.g. the trainer running a run). */
export const controlSubjects = {
  cancelRun: `${root}.control.run.cancel`,
} as const;

/** Live progress on core NATS: lost when nobody listens, which is fine for a progress bar. */
export const progressSubjects = {
  corpus: (jobId: string) => `${root}.progress.corpus.${jobId}`,
  refit: (requestId: string) => `${root}.progress.refit.${requestId}`,
} as const;

export const streamSubjects = {
  events: `${root}.events.>`,
  jobs: `${root}.jobs.>`,
  deadLetters: `${root}.deadletter.>`,
} as const;

/** Where a message that cannot be processed goes, with the reason. */
export function deadLetterSubject(originalSubject: string): string {
  const tail = originalSubject.startsWith(`${root}.`) ? originalSubject.slice(root.length + 1) : originalSubject;
  return `${root}.deadletter.${tail}`;
}

export const serviceNames = ['corpus', 'trainer', 'evaluator', 'scaling'] as const;
export type ServiceName = (typeof serviceNames)[number];

export type EventSubject = (typeof eventSubjects)[keyof typeof eventSubjects];
export type JobSubject = (typeof jobSubjects)[keyof typeof jobSubjects];
export type DurableSubject = EventSubject | JobSubject;
