import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ContractViolation,
  decodeEnvelope,
  deadLetterSubject,
  eventSubjects,
  isDurableSubject,
  jobSubjects,
  makeEnvelope,
  payloadSchemas,
  type DurableSubject,
  type PayloadInput,
} from './index.js';

const hash = 'a'.repeat(64);
const at = '2026-11-28T10:00:00.000Z';

/** One valid payload per durable subject, and ways to break each. */
const validPayloads: { [S in DurableSubject]: PayloadInput<S> } = {
  [eventSubjects.experimentCreated]: {
    experimentId: 'exp-1',
    createdAt: at,
    spec: {
      name: 'demo',
      preset: 'demo',
      corpus: { source: 'bundled', vocabulary: 'default' },
      grid: { hiddenSizes: [32, 64], layers: [2], variants: ['simplified', 'regular'], seeds: [1] },
      tokenBudget: 1_000_000,
      tasks: ['copa'],
    },
  },
  [eventSubjects.corpusReady]: {
    corpusId: 'c1',
    variant: 'simplified',
    contentHash: hash,
    tokenizerId: 't1',
    vocabSize: 15000,
    uri: 'file:///tmp/c1',
    stats: { documentsIn: 10, documentsOut: 5, wordsIn: 1000, wordsOut: 400, tokens: 500 },
  },
  [eventSubjects.metricsReported]: {
    runId: 'r1',
    points: [
      { step: 1, tokens: 65536, flopsKaplan: 1e12, trainLoss: 9.1 },
      { step: 2, tokens: 131072, flopsKaplan: 2e12, trainLoss: 8.7, evalLoss: 8.8 },
    ],
  },
  [eventSubjects.checkpointSaved]: { checkpointId: 'ck1', runId: 'r1', step: 100, tokens: 6553600, uri: 'file:///ck', sha256: hash },
  [eventSubjects.evalCompleted]: { checkpointId: 'ck1', runId: 'r1', task: 'copa', taskVersion: 'simplified', n: 100, acc: 0.6 },
  [eventSubjects.fitUpdated]: {
    fitId: 'f1',
    version: 1,
    form: 'pure-power',
    variant: 'regular',
    inputs: ['params'],
    parameters: { alpha: 0.07 },
    intervals: { alpha: [0.05, 0.09] },
    runIds: ['r1'],
  },
  [eventSubjects.fitRequested]: { experimentId: 'exp-1', requestId: 'req-1' },
  [eventSubjects.experimentTasksChanged]: { experimentId: 'exp-1', tasks: ['builtin', 'copa:copa/validation.jsonl@5'] },
  [eventSubjects.runStateChanged]: { runId: 'r1', state: 'running', at },
  [eventSubjects.serviceError]: { service: 'trainer', message: 'out of memory', at },
  [jobSubjects.trainingJob]: {
    runId: 'r1',
    experimentId: 'exp-1',
    corpusId: 'c1',
    tokenizerId: 't1',
    model: { hiddenSize: 64, layers: 2, vocabSize: 15000 },
    training: {
      tokenBudget: 1e6,
      batchSize: 512,
      microBatchSize: 32,
      peakLearningRate: 2.8e-3,
      minLearningRateRatio: 0.5,
      warmupSteps: 10,
      weightDecay: 0.1,
      gradientClip: 1,
      seed: 1,
      evalInterval: 50,
      checkpointInterval: 100,
    },
  },
  [jobSubjects.corpusJob]: { jobId: 'job-1', source: 'bundled', vocabulary: 'default', variant: 'simplified' },
  [jobSubjects.corpusShard]: {
    jobId: 'job-1',
    index: 3,
    files: [{ path: '/artifacts/work/inputs/a.jsonl.zst', format: 'jsonl.zst' }],
    outDir: '/artifacts/work/corpora/abc/text',
    filter: { minWords: 32, maxOovFraction: 0.01, fromSentenceStart: true },
    skipBad: false,
    vocabulary: 'default',
    vocabularySha256: hash,
  },
};

/** For each subject, a payload that must be refused and the field the error must name. */
const invalidPayloads: { [S in DurableSubject]: [unknown, string] } = {
  [eventSubjects.experimentCreated]: [
    { ...validPayloads[eventSubjects.experimentCreated], spec: { ...validPayloads[eventSubjects.experimentCreated].spec, tokenBudget: -5 } },
    'payload.spec.tokenBudget',
  ],
  [eventSubjects.corpusReady]: [{ ...validPayloads[eventSubjects.corpusReady], variant: 'tiny' }, 'payload.variant'],
  [eventSubjects.metricsReported]: [
    { runId: 'r1', points: [{ step: 2, tokens: 1, flopsKaplan: 1 }, { step: 1, tokens: 2, flopsKaplan: 2 }] },
    'payload.points',
  ],
  [eventSubjects.checkpointSaved]: [{ ...validPayloads[eventSubjects.checkpointSaved], sha256: 'xyz' }, 'payload.sha256'],
  [eventSubjects.evalCompleted]: [{ ...validPayloads[eventSubjects.evalCompleted], acc: 1.5 }, 'payload.acc'],
  [eventSubjects.fitUpdated]: [{ ...validPayloads[eventSubjects.fitUpdated], inputs: ['size'] }, 'payload.inputs.0'],
  [eventSubjects.fitRequested]: [{ experimentId: 'exp-1' }, 'payload.requestId'],
  [eventSubjects.experimentTasksChanged]: [{ experimentId: 'exp-1', tasks: [] }, 'payload.tasks'],
  [eventSubjects.runStateChanged]: [{ runId: 'r1', state: 'failed', at }, 'payload.reason'],
  [eventSubjects.serviceError]: [{ service: 'trainer', message: '', at }, 'payload.message'],
  [jobSubjects.trainingJob]: [
    { ...validPayloads[jobSubjects.trainingJob], model: { hiddenSize: 60, layers: 2, vocabSize: 100 } },
    'payload.model.heads',
  ],
  [jobSubjects.corpusJob]: [{ jobId: 'job-2', source: 'bundled', vocabulary: 'default', variant: 'regular' }, 'payload.wordBudget'],
  [jobSubjects.corpusShard]: [{ ...validPayloads[jobSubjects.corpusShard], files: [{ path: 'a.csv', format: 'csv' }] }, 'payload.files.0.format'],
};

describe('contracts', () => {
  it('covers every durable subject with a schema', () => {
    const subjects = [...Object.values(eventSubjects), ...Object.values(jobSubjects)];
    assert.deepEqual(Object.keys(payloadSchemas).sort(), [...subjects].sort());
    for (const s of subjects) assert.ok(isDurableSubject(s));
    assert.equal(isDurableSubject('downscale.v1.events.nope'), false);
  });

  for (const subject of Object.keys(validPayloads) as DurableSubject[]) {
    it(`accepts a valid ${subject} and round-trips it through bytes`, () => {
      const envelope = makeEnvelope(subject, validPayloads[subject] as never, { id: 'evt-1', source: 'test' });
      const decoded = decodeEnvelope(subject, JSON.stringify(envelope));
      assert.ok(decoded.ok, decoded.ok ? '' : decoded.reason);
      assert.deepEqual(decoded.envelope, envelope);
    });

    it(`rejects an invalid ${subject}, naming the bad field`, () => {
      const [bad, field] = invalidPayloads[subject];
      assert.throws(
        () => makeEnvelope(subject, bad as never, { id: 'evt-1', source: 'test' }),
        (error: unknown) => error instanceof ContractViolation && error.message.includes(field) && error.message.includes(subject),
      );
      const raw = JSON.stringify({ id: 'evt-1', subject, version: 1, occurredAt: at, source: 'test', payload: bad });
      const decoded = decodeEnvelope(subject, raw);
      assert.equal(decoded.ok, false);
      assert.match((decoded as { reason: string }).reason, new RegExp(field.replace(/\./g, '\\.')));
    });
  }

  it('fills documented defaults', () => {
    const job = makeEnvelope(jobSubjects.trainingJob, validPayloads[jobSubjects.trainingJob], { id: 'j', source: 't' });
    assert.equal(job.payload.model.heads, 8);
    assert.equal(job.payload.model.ropeTheta, 10000);
    assert.equal(job.payload.model.contextLength, 128);
  });

  it('rejects unknown fields, wrong versions, wrong subjects and non-JSON with a reason', () => {
    const subject = eventSubjects.checkpointSaved;
    const good = makeEnvelope(subject, validPayloads[subject], { id: 'e', source: 't' });
    const cases: [unknown, RegExp][] = [
      [{ ...good, payload: { ...good.payload, extra: 1 } }, /payload.*extra/],
      [{ ...good, version: 2 }, /version/],
      [{ ...good, subject: eventSubjects.corpusReady }, /envelope names subject/],
      [{ ...good, id: '' }, /id/],
    ];
    for (const [raw, pattern] of cases) {
      const decoded = decodeEnvelope(subject, JSON.stringify(raw));
      assert.equal(decoded.ok, false);
      assert.match((decoded as { reason: string }).reason, pattern);
    }
    const notJson = decodeEnvelope(subject, new TextEncoder().encode('{oops'));
    assert.equal(notJson.ok, false);
    assert.match((notJson as { reason: string }).reason, /not JSON/);
  });

  it('names dead-letter subjects after the original', () => {
    assert.equal(deadLetterSubject(eventSubjects.checkpointSaved), 'downscale.v1.deadletter.events.checkpoint.saved');
  });
});
