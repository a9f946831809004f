/**
 * A data-parallel replica (worker thread of {@link ParallelTrainer}): holds a copy of the
 * model on its own TensorFlow.js backend and answers each step's shard with its gradients.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { selectBackend } from './backend.js';
import type { ModelConfig } from './config.js';
import { LlamaModel } from './model.js';
import { tf } from './tf.js';
import { stepGradients, type TokenBatch } from './trainer.js';

/** What the worker is started with. */
export interface ReplicaInit {
  readonly config: ModelConfig;
  readonly backend: string;
}

/** This replica's share of one step: the current weights (by Hugging Face name) and its sequences. */
export interface GradientRequest {
  readonly weights: Record<string, Float32Array>;
  readonly batches: readonly TokenBatch[];
  readonly totalTokens: number;
}

/** The share's token-weighted loss and gradients (by Hugging Face name). */
export interface ReplicaGradients {
  readonly loss: number;
  readonly gradients: Record<string, Float32Array>;
}

export type GradientReply = ReplicaGradients | { readonly error: string };

const port = parentPort;
if (!port) throw new Error('gradient-worker: must run as a worker thread');
const init = workerData as ReplicaInit;
const ready = selectBackend(init.backend);
let model: LlamaModel | undefined;

port.on('message', (request: GradientRequest) => {
  void ready
    .then(() => {
      const weights = new Map(Object.entries(request.weights));
      if (model) model.assignValues(weights);
      else model = LlamaModel.fromValues(init.config, weights);
      const { loss, gradients } = stepGradients(model, request.batches, request.totalTokens);
      const reply: ReplicaGradients = { loss: loss.dataSync()[0]!, gradients: Object.fromEntries([...gradients].map(([name, gradient]) => [name, gradient.dataSync() as Float32Array])) };
      tf.dispose([loss, ...gradients.values()]);
      port.postMessage(reply, Object.values(reply.gradients).map((values) => values.buffer as ArrayBuffer));
    })
    .catch((error: Error) => port.postMessage({ error: error.stack ?? error.message } satisfies GradientReply));
});
