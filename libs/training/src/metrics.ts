/**
 * Metric points of a run: train loss averaged over the steps since the previous point
 * (a smooth curve without one point per step), throughput over the same window, and
 * compute so far in both accountings (PAPER.md section 4).
 */
import type { StepResult } from '@downscale/model';
import type { RunPlan } from './plan.js';

/** One point of a run's curves (the contracts' `metricPoint`). */
export interface MetricPoint {
  /** Optimizer steps completed. */
  readonly step: number;
  readonly tokens: number;
  /** 6 * non-embedding parameters * tokens. */
  readonly flopsKaplan: number;
  /** Per-component FLOPs per token (attention s^2 terms, logits, backward = 2 x forward) * tokens. */
  readonly flopsHoffmann: number;
  /** Mean train loss (nats per token) of the steps since the previous point. */
  readonly trainLoss?: number;
  /** Held-out loss (nats per token) after this step. */
  readonly evalLoss?: number;
  /** Learning rate of this point's last step. */
  readonly learningRate?: number;
  /** Training tokens per second of wall time spent in steps since the previous point. */
  readonly tokensPerSecond?: number;
}

export class MetricsWindow {
  private lossSum = 0;
  private steps = 0;
  private tokens = 0;
  private seconds = 0;
  private learningRate: number | undefined;
  private pending: MetricPoint[] = [];

  constructor(private readonly plan: RunPlan) {}

  /** Records a finished step and the wall time it took. */
  addStep(result: StepResult, seconds: number): void {
    this.lossSum += result.loss;
    this.steps++;
    this.tokens += result.tokens;
    this.seconds += seconds;
    this.learningRate = result.learningRate;
  }

  /** Closes the window into a point at `step` (with the eval loss, if one was measured). */
  recordPoint(step: number, evalLoss?: number): void {
    const tokens = step * this.plan.tokensPerStep;
    this.pending.push({
      step,
      tokens,
      flopsKaplan: this.plan.flopsPerToken.kaplan * tokens,
      flopsHoffmann: this.plan.flopsPerToken.detailed * tokens,
      ...(this.steps > 0 ? { trainLoss: this.lossSum / this.steps } : {}),
      ...(evalLoss === undefined ? {} : { evalLoss }),
      ...(this.learningRate === undefined ? {} : { learningRate: this.learningRate }),
      ...(this.seconds > 0 ? { tokensPerSecond: this.tokens / this.seconds } : {}),
    });
    this.lossSum = 0;
    this.steps = 0;
    this.tokens = 0;
    this.seconds = 0;
    this.learningRate = undefined;
  }

  /** Points recorded since the last call. */
  drain(): MetricPoint[] {
    const points = this.pending;
    this.pending = [];
    return points;
  }
}
