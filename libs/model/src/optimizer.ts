/**
 * AdamW with PyTorch's semantics (torch.optim.AdamW): decoupled weight decay
 * p *= 1 - lr * wd, then p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 * Weight decay applies to the parameters whose spec says `decay` (the linear matrices,
 * lm_head included), not to the RMSNorm weights or the input embedding.
 */
import type { ParameterSpec } from './parameters.js';
import { tf } from './tf.js';

export interface AdamWOptions {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
}

/** PAPER.md section 4. */
export const PAPER_ADAMW: AdamWOptions = { beta1: 0.9, beta2: 0.95, epsilon: 1e-4, weightDecay: 0.1 };

/** Optimizer state as plain data: the number of steps taken and both moments per parameter. */
export interface AdamWState {
  readonly step: number;
  readonly firstMoments: Map<string, Float32Array>;
  readonly secondMoments: Map<string, Float32Array>;
}

interface Slot {
  readonly spec: ParameterSpec;
  readonly parameter: tf.Variable;
  readonly first: tf.Variable;
  readonly second: tf.Variable;
}

export class AdamW {
  private readonly slots: Slot[];
  private stepCount = 0;

  constructor(
    specs: readonly ParameterSpec[],
    parameters: ReadonlyMap<string, tf.Variable>,
    readonly options: AdamWOptions = PAPER_ADAMW,
  ) {
    this.slots = specs.map((spec) => {
      const parameter = parameters.get(spec.name);
      if (!parameter) throw new Error(`AdamW: no parameter ${spec.name}`);
      return {
        spec,
        parameter,
        first: tf.variable(tf.zerosLike(parameter), false),
        second: tf.variable(tf.zerosLike(parameter), false),
      };
    });
  }

  /** Steps taken so far. */
  get step(): number {
    return this.stepCount;
  }

  /** One update with gradients by parameter name, each already clipped and averaged. */
  apply(gradients: ReadonlyMap<string, tf.Tensor>, learningRate: number): void {
    this.stepCount += 1;
    const { beta1, beta2, epsilon, weightDecay } = this.options;
    const stepSize = learningRate / (1 - beta1 ** this.stepCount);
    const secondCorrection = Math.sqrt(1 - beta2 ** this.stepCount);
    tf.tidy(() => {
      for (const { spec, parameter, first, second } of this.slots) {
        const gradient = gradients.get(spec.name);
        if (!gradient) throw new Error(`AdamW: no gradient for ${spec.name}`);
        const decayed = spec.decay && weightDecay > 0 ? tf.mul(parameter, 1 - learningRate * weightDecay) : parameter;
        const m = tf.add(tf.mul(first, beta1), tf.mul(gradient, 1 - beta1));
        const v = tf.add(tf.mul(second, beta2), tf.mul(tf.square(gradient), 1 - beta2));
        const denominator = tf.add(tf.div(tf.sqrt(v), secondCorrection), epsilon);
        parameter.assign(tf.sub(decayed, tf.mul(tf.div(m, denominator), stepSize)));
        first.assign(m);
        second.assign(v);
      }
    });
  }

  state(): AdamWState {
    const firstMoments = new Map<string, Float32Array>();
    const secondMoments = new Map<string, Float32Array>();
    for (const { spec, first, second } of this.slots) {
      firstMoments.set(spec.name, first.dataSync() as Float32Array);
      secondMoments.set(spec.name, second.dataSync() as Float32Array);
    }
    return { step: this.stepCount, firstMoments, secondMoments };
  }

  restore(state: AdamWState): void {
    for (const { spec, first, second } of this.slots) {
      const m = state.firstMoments.get(spec.name);
      const v = state.secondMoments.get(spec.name);
      if (!m || !v) throw new Error(`AdamW state: missing moments of ${spec.name}`);
      tf.tidy(() => {
        first.assign(tf.tensor(m, [...spec.shape], 'float32'));
        second.assign(tf.tensor(v, [...spec.shape], 'float32'));
      });
    }
    this.stepCount = state.step;
  }

  dispose(): void {
    for (const { first, second } of this.slots) tf.dispose([first, second]);
  }
}
