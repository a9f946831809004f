import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventSubjects, makeEnvelope } from '@downscale/contracts';
import { natsServers, toLiveEvent } from './live.js';

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

test('a metrics batch becomes its run and last step', () => {
  const envelope = makeEnvelope(
    eventSubjects.metricsReported,
    {
      runId: 'run-1',
      points: [
        { step: 10, tokens: 100, flopsKaplan: 1, trainLoss: 3 },
        { step: 20, tokens: 200, flopsKaplan: 2, trainLoss: 2.5 },
      ],
    },
    { id: 'metrics:run-1:20', source: 'test' },
  );
  assert.deepEqual(toLiveEvent(eventSubjects.metricsReported, encode(envelope)), { kind: 'metrics', runId: 'run-1', step: 20 });
});

test('a fit names the runs it was fitted on', () => {
  const envelope = makeEnvelope(
    eventSubjects.fitUpdated,
    { fitId: 'f', version: 2, form: 'pure-power', variant: 'simplified', inputs: ['params'], parameters: { xc: 1, alpha: 0.1 }, intervals: {}, runIds: ['a', 'b'] },
    { id: 'fit:f', source: 'test' },
  );
  assert.deepEqual(toLiveEvent(eventSubjects.fitUpdated, encode(envelope)), { kind: 'fit', runIds: ['a', 'b'] });
});

test('invalid messages and subjects the dashboard does not show are ignored', () => {
  assert.equal(toLiveEvent(eventSubjects.metricsReported, 'not json'), undefined);
  assert.equal(toLiveEvent(eventSubjects.metricsReported, encode({ id: 'x', subject: eventSubjects.metricsReported, payload: {} })), undefined);
  assert.equal(toLiveEvent(eventSubjects.experimentCreated, encode({})), undefined);
});

test('NATS_URL may list several servers', () => {
  assert.deepEqual(natsServers({ NATS_URL: ' nats://a:4222, nats://b:4222 ' }), ['nats://a:4222', 'nats://b:4222']);
  assert.deepEqual(natsServers({}), ['nats://127.0.0.1:4222']);
});
