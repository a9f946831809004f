/**
 * Synthetic training runs drawn from known joint-law parameters with multiplicative noise:
 * the ground truth for recovery tests and benchmarks.
 */
import { predictJointLoss, type JointLawParameters, type JointPoint } from './laws.js';
import { evenlySpaced } from './multi-start.js';
import { seededRandom } from './random.js';

export interface SyntheticRunsOptions {
  /** Runs, with model sizes log-spaced over `paramsRange` (default 10, [1e7, 1e9]). */
  readonly runs?: number;
  readonly paramsRange?: readonly [number, number];
  /** Checkpoints per run, token counts log-spaced over `tokensRange` (default 10, [1e8, 1e11]). */
  readonly pointsPerRun?: number;
  readonly tokensRange?: readonly [number, number];
  /** Standard deviation of the noise on log L (default 0.01, about 1% of the loss). */
  readonly noise?: number;
  readonly seed?: number;
}

const logSpaced = ([low, high]: readonly [number, number], count: number): number[] =>
  evenlySpaced(Math.log(low), Math.log(high), count).map(Math.exp);

export function syntheticJointRuns(truth: JointLawParameters, options: SyntheticRunsOptions = {}): JointPoint[] {
  const random = seededRandom(options.seed ?? 1);
  const noise = options.noise ?? 0.01;
  const tokens = logSpaced(options.tokensRange ?? [1e8, 1e11], options.pointsPerRun ?? 10);
  return logSpaced(options.paramsRange ?? [1e7, 1e9], options.runs ?? 10).flatMap((N, r) =>
    tokens.map((D) => ({ N, D, loss: predictJointLoss(truth, N, D) * Math.exp(noise * random.normal()), run: `run-${r + 1}` })),
  );
}
