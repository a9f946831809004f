import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backoffFor, defaultDeliverySettings, resolveDeliverySettings } from './consumer-settings.js';

describe('delivery settings', () => {
  it('waits per the backoff list, repeating its last entry', () => {
    const backoffMs = [1_000, 5_000, 30_000];
    assert.deepEqual([1, 2, 3, 4, 9].map((delivery) => backoffFor(backoffMs, delivery)), [1_000, 5_000, 30_000, 30_000, 30_000]);
  });

  it('fills defaults and names every impossible setting', () => {
    assert.deepEqual(resolveDeliverySettings({ maxDeliver: 2, ackWaitMs: undefined }), { ...defaultDeliverySettings, maxDeliver: 2 });
    assert.throws(
      () => resolveDeliverySettings({ maxDeliver: 1.5, backoffMs: [100, -1], ackWaitMs: 10, maxAckPending: 0 }),
      /maxDeliver must be an integer >= 1 \(got 1.5\); backoffMs must list.*\[100, -1\]\); ackWaitMs must be at least 100 \(got 10\); maxAckPending/,
    );
  });
});
