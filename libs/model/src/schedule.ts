/**
 * Learning-rate schedule (PAPER.md section 4): linear warmup to the peak, then cosine decay
 * to a floor that is a fraction of the peak (the paper ends at half the peak).
 */

export interface LearningRateSchedule {
  readonly peakLearningRate: number;
  /** Steps of linear warmup; step s < warmup runs at peak * (s + 1) / warmup. */
  readonly warmupSteps: number;
  /** Step at which the cosine reaches the floor; later steps stay there. */
  readonly totalSteps: number;
  /** Floor as a fraction of the peak, in [0, 1] (paper: 0.5). */
  readonly finalFraction: number;
}

export class ScheduleError extends Error {
  constructor(
    readonly field: keyof LearningRateSchedule,
    message: string,
  ) {
    super(`invalid learning-rate schedule: ${field} ${message}`);
    this.name = 'ScheduleError';
  }
}

export function validateSchedule(schedule: LearningRateSchedule): LearningRateSchedule {
  const { peakLearningRate, warmupSteps, totalSteps, finalFraction } = schedule;
  if (!(Number.isFinite(peakLearningRate) && peakLearningRate > 0)) {
    throw new ScheduleError('peakLearningRate', `must be a positive number, got ${peakLearningRate}`);
  }
  if (!(Number.isInteger(warmupSteps) && warmupSteps >= 0)) {
    throw new ScheduleError('warmupSteps', `must be a non-negative integer, got ${warmupSteps}`);
  }
  if (!(Number.isInteger(totalSteps) && totalSteps > 0 && totalSteps >= warmupSteps)) {
    throw new ScheduleError('totalSteps', `must be a positive integer >= warmupSteps (${warmupSteps}), got ${totalSteps}`);
  }
  if (!(finalFraction >= 0 && finalFraction <= 1)) {
    throw new ScheduleError('finalFraction', `must be in [0, 1], got ${finalFraction}`);
  }
  return schedule;
}

/** Learning rate of the optimizer step with 0-based index `step`. */
export function learningRateAt(step: number, schedule: LearningRateSchedule): number {
  const { peakLearningRate: peak, warmupSteps, totalSteps, finalFraction } = schedule;
  if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  const floor = finalFraction * peak;
  const decaySteps = Math.max(1, totalSteps - warmupSteps);
  const progress = Math.min(1, (step - warmupSteps) / decaySteps);
  return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
}
