import { z } from 'zod';
import { corpusJob, corpusReady, corpusShardJob } from './corpus.js';
import { serviceError } from './errors.js';
import { evalCompleted } from './evaluation.js';
import { experimentCreated, experimentTasksChanged } from './experiment.js';
import { id, isoTimestamp } from './primitives.js';
import { fitRequested, fitUpdated } from './scaling.js';
import { CONTRACT_VERSION, type DurableSubject, eventSubjects, jobSubjects } from './subjects.js';
import { checkpointSaved, metricsReported, runStateChanged, trainingJob } from './training.js';

/** The payload schema of every durable subject: the single source of truth for validation. */
export const payloadSchemas = {
  [eventSubjects.experimentCreated]: experimentCreated,
  [eventSubjects.experimentTasksChanged]: experimentTasksChanged,
  [eventSubjects.corpusReady]: corpusReady,
  [eventSubjects.metricsReported]: metricsReported,
  [eventSubjects.checkpointSaved]: checkpointSaved,
  [eventSubjects.evalCompleted]: evalCompleted,
  [eventSubjects.fitUpdated]: fitUpdated,
  [eventSubjects.fitRequested]: fitRequested,
  [eventSubjects.runStateChanged]: runStateChanged,
  [eventSubjects.serviceError]: serviceError,
  [jobSubjects.trainingJob]: trainingJob,
  [jobSubjects.corpusJob]: corpusJob,
  [jobSubjects.corpusShard]: corpusShardJob,
} as const satisfies Record<DurableSubject, z.ZodType>;

export type PayloadOf<S extends DurableSubject> = z.output<(typeof payloadSchemas)[S]>;
export type PayloadInput<S extends DurableSubject> = z.input<(typeof payloadSchemas)[S]>;

/**
 * Every durable message is wrapped in an envelope. `id` is the idempotency key: publishers
 * derive it from what the event is about (e.g. `checkpoint:<run>:<step>`), so a re-publish
 * after a crash is the same event, deduplicated by JetStream and by consumers.
 */
export interface Envelope<S extends DurableSubject = DurableSubject> {
  id: string;
  subject: S;
  version: typeof CONTRACT_VERSION;
  occurredAt: string;
  source: string;
  payload: PayloadOf<S>;
}

const envelopeShape = z
  .object({
    id,
    subject: z.string(),
    version: z.literal(CONTRACT_VERSION, { error: `only contract version ${CONTRACT_VERSION} is understood` }),
    occurredAt: isoTimestamp,
    source: z.string().min(1),
    payload: z.unknown(),
  })
  .strict();

/** Raised when a payload does not satisfy its contract; the message lists each bad field. */
export class ContractViolation extends Error {
  constructor(
    readonly subject: string,
    readonly problems: string[],
  ) {
    super(`invalid message on ${subject}: ${problems.join('; ')}`);
    this.name = 'ContractViolation';
  }
}

export function describeIssues(error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    return `${path || '(root)'}: ${issue.message}`;
  });
}

export function isDurableSubject(subject: string): subject is DurableSubject {
  return Object.hasOwn(payloadSchemas, subject);
}

/** Validates a payload and wraps it; throws ContractViolation so a bad event is never published. */
export function makeEnvelope<S extends DurableSubject>(
  subject: S,
  payload: PayloadInput<S>,
  meta: { id: string; source: string; occurredAt?: Date },
): Envelope<S> {
  const parsed = payloadSchemas[subject].safeParse(payload);
  if (!parsed.success) throw new ContractViolation(subject, describeIssues(parsed.error, 'payload'));
  return {
    id: meta.id,
    subject,
    version: CONTRACT_VERSION,
    occurredAt: (meta.occurredAt ?? new Date()).toISOString(),
    source: meta.source,
    payload: parsed.data as PayloadOf<S>,
  };
}

export type Decoded<S extends DurableSubject> = { ok: true; envelope: Envelope<S> } | { ok: false; reason: string };

/** Parses and validates raw bytes received on `subject`; never throws. */
export function decodeEnvelope<S extends DurableSubject>(subject: S, data: Uint8Array | string): Decoded<S> {
  let json: unknown;
  try {
    json = JSON.parse(typeof data === 'string' ? data : new TextDecoder().decode(data));
  } catch (error) {
    return { ok: false, reason: `invalid message on ${subject}: not JSON (${(error as Error).message})` };
  }
  const outer = envelopeShape.safeParse(json);
  if (!outer.success) return { ok: false, reason: new ContractViolation(subject, describeIssues(outer.error)).message };
  if (outer.data.subject !== subject) {
    return { ok: false, reason: `invalid message on ${subject}: envelope names subject ${outer.data.subject}` };
  }
  const inner = payloadSchemas[subject].safeParse(outer.data.payload);
  if (!inner.success) {
    return { ok: false, reason: new ContractViolation(subject, describeIssues(inner.error, 'payload')).message };
  }
  return { ok: true, envelope: { ...outer.data, subject, version: CONTRACT_VERSION, payload: inner.data as PayloadOf<S> } };
}
