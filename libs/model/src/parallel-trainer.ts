/**
 * Data-parallel training steps on one machine: TensorFlow.js runs a backend on one core (wasm
 * has no threads in Node), so a step's sequences are split across `replicas` threads, this one
 * included, each computing the gradients of its share on its own copy of the model. The
 * shares are token-weighted parts of the step's mean loss, so their sum, taken here in replica
 * order (deterministic for a given replica count), is the step's gradient; the clip and AdamW
 * update then run once, here, and the replicas get the new weights with the next step.
 */
import { Worker } from 'node:worker_threads';
import type { GradientReply, GradientRequest, ReplicaGradients, ReplicaInit } from './gradient-worker.js';
import type { LlamaModel } from './model.js';
import type { AdamWState } from './optimizer.js';
import { tf } from './tf.js';
import { stepGradients, Trainer, type StepResult, type TokenBatch, type TrainerOptions } from './trainer.js';

/** Rows [from, to) of a batch. */
function rows(batch: TokenBatch, from: number, to: number): TokenBatch {
  const { length } = batch;
  return { tokens: batch.tokens.subarray(from * length, to * length), targets: batch.targets.subarray(from * length, to * length), batchSize: to - from, length };
}

/** Each micro-batch's rows cut into `parts` contiguous, near-equal shares; a share may hold no batch. */
export function splitMicroBatches(microBatches: readonly TokenBatch[], parts: number): TokenBatch[][] {
  const shares: TokenBatch[][] = Array.from({ length: parts }, () => []);
  for (const batch of microBatches) {
    for (let part = 0; part < parts; part++) {
      const from = Math.floor((part * batch.batchSize) / parts);
      const to = Math.floor(((part + 1) * batch.batchSize) / parts);
      if (to > from) shares[part]!.push(rows(batch, from, to));
    }
  }
  return shares;
}

class Replica {
  private readonly worker: Worker;
  private pending: { resolve: (reply: ReplicaGradients) => void; reject: (error: Error) => void } | undefined;

  constructor(init: ReplicaInit) {
    this.worker = new Worker(new URL('./gradient-worker.js', import.meta.url), { workerData: init });
    this.worker.on('message', (reply: GradientReply) => this.settle((p) => ('error' in reply ? p.reject(new Error(reply.error)) : p.resolve(reply))));
    this.worker.on('error', (error) => this.settle((p) => p.reject(error)));
    this.worker.on('exit', (code) => this.settle((p) => p.reject(new Error(`data-parallel replica exited with code ${code} mid-step`))));
  }

  private settle(action: (pending: NonNullable<Replica['pending']>) => void): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending) action(pending);
  }

  gradients(request: GradientRequest): Promise<ReplicaGradients> {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.worker.postMessage(request);
    });
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export class ParallelTrainer {
  private readonly trainer: Trainer;
  private readonly replicas: Replica[];

  /** `replicas` threads in all (this one included), each on `backend`. */
  constructor(
    readonly model: LlamaModel,
    options: TrainerOptions,
    replicas: number,
    backend: string,
  ) {
    if (!Number.isInteger(replicas) || replicas < 2) throw new Error(`ParallelTrainer: replicas must be an integer >= 2, got ${replicas}; use Trainer for one`);
    this.trainer = new Trainer(model, options);
    this.replicas = Array.from({ length: replicas - 1 }, () => new Replica({ config: model.config, backend }));
  }

  get step(): number {
    return this.trainer.step;
  }

  /** One optimizer step over the given micro-batches, their rows shared out among the replicas. */
  async trainStep(microBatches: readonly TokenBatch[]): Promise<StepResult> {
    if (microBatches.length === 0) throw new Error('trainStep: needs at least one micro-batch');
    const totalTokens = microBatches.reduce((sum, batch) => sum + batch.tokens.length, 0);
    const [own = [], ...others] = splitMicroBatches(microBatches, this.replicas.length + 1);
    const weights = Object.fromEntries(this.model.values());
    // The replicas start first; this thread computes its share while they compute theirs.
    const replies = others.flatMap((batches, i) => (batches.length > 0 ? [this.replicas[i]!.gradients({ weights, batches, totalTokens })] : []));
    const local = stepGradients(this.model, own, totalTokens);
    const parts = await Promise.allSettled(replies);
    const failure = parts.find((part): part is PromiseRejectedResult => part.status === 'rejected');
    if (failure) {
      tf.dispose([local.loss, ...local.gradients.values()]);
      throw new Error(`data-parallel step: a replica failed: ${(failure.reason as Error).message}`);
    }
    // Each sum replaces its local term, which is freed (tidy frees the replica's uploaded copy).
    const replace = <T extends tf.Tensor>(previous: T, add: () => T): T => {
      const next = tf.tidy(add);
      previous.dispose();
      return next;
    };
    const gradients = new Map(local.gradients);
    let loss = local.loss;
    for (const { value: reply } of parts as PromiseFulfilledResult<ReplicaGradients>[]) {
      loss = replace(loss, () => tf.add(loss, reply.loss));
      for (const [name, gradient] of gradients) gradients.set(name, replace(gradient, () => tf.add(gradient, tf.tensor(reply.gradients[name]!, gradient.shape))));
    }
    return this.trainer.applyGradients({ loss, gradients }, totalTokens);
  }

  optimizerState(): AdamWState {
    return this.trainer.optimizerState();
  }

  restoreOptimizer(state: AdamWState): void {
    this.trainer.restoreOptimizer(state);
  }

  async dispose(): Promise<void> {
    this.trainer.dispose();
    await Promise.all(this.replicas.map((replica) => replica.terminate()));
  }
}
