import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ScheduleError, learningRateAt, validateSchedule, type LearningRateSchedule } from './index.js';

const schedule: LearningRateSchedule = { peakLearningRate: 2e-3, warmupSteps: 10, totalSteps: 110, finalFraction: 0.5 };

describe('learningRateAt', () => {
  it('warms up linearly to the peak', () => {
    assert.equal(learningRateAt(0, schedule), 2e-4);
    assert.equal(learningRateAt(4, schedule), 1e-3);
    assert.equal(learningRateAt(9, schedule), 2e-3);
  });

  it('decays along a cosine to the floor and stays there', () => {
    assert.equal(learningRateAt(10, schedule), 2e-3);
    assert.ok(Math.abs(learningRateAt(60, schedule) - 1.5e-3) < 1e-15, 'halfway is the mean of peak and floor');
    assert.ok(Math.abs(learningRateAt(110, schedule) - 1e-3) < 1e-15);
    assert.ok(Math.abs(learningRateAt(500, schedule) - 1e-3) < 1e-15);
    for (let step = 11; step <= 110; step++) assert.ok(learningRateAt(step, schedule) <= learningRateAt(step - 1, schedule));
  });

  it('rejects invalid schedules naming the field', () => {
    assert.throws(() => validateSchedule({ ...schedule, peakLearningRate: 0 }), (e: unknown) => e instanceof ScheduleError && e.field === 'peakLearningRate');
    assert.throws(() => validateSchedule({ ...schedule, totalSteps: 5 }), (e: unknown) => e instanceof ScheduleError && e.field === 'totalSteps');
    assert.throws(() => validateSchedule({ ...schedule, finalFraction: 1.5 }), (e: unknown) => e instanceof ScheduleError && e.field === 'finalFraction');
  });
});
