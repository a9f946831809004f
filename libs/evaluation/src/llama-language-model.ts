/**
 * The `LanguageModel` of a libs/model LlamaModel and a tokenizer, scoring as
 * lm-evaluation-harness's Hugging Face causal-LM backend does (`_encode_pair`,
 * `_loglikelihood_tokens`):
 *
 * - Encoding: trailing spaces of the context move to the continuation; the continuation's
 *   tokens are those of encode(context + continuation) after the first |encode(context)|;
 *   an empty context becomes the one `prefixToken` (the harness's EOT; our corpora end each
 *   text with `</s>`).
 * - Input: (context + continuation) cut to its last maxInputLength + 1 tokens, minus the
 *   last one; the continuation's tokens are scored at the end. `isGreedy` is whether the
 *   argmax (first maximum) at every continuation position is the continuation's token.
 * - Speed: requests are sorted by input length (longest first, so padding stays small) and
 *   run in batches of at most `batchTokens` padded tokens. A request whose input is a prefix
 *   of another request's input (identical inputs included, e.g. one-token choices after one
 *   context) is read from that request's forward pass: attention is causal, so the logits of
 *   a prefix do not depend on what follows. This generalises the harness's logits cache.
 * - Only the scored positions are projected onto the vocabulary (LlamaModel.logitsAt: the
 *   output layer is most of a small model's work), and only the needed numbers leave the
 *   backend: log-sum-exp and argmax per position, and the logit of each scored token.
 */
import { tf, type LlamaModel } from '@downscale/model';
import type { LanguageModel, LoglikelihoodRequest, LoglikelihoodResult } from './language-model.js';
import type { Task } from './tasks.js';

/** What the adapter needs of a tokenizer (libs/tokenizer's BpeTokenizer fits). */
export interface TextTokenizer {
  encode(text: string): ArrayLike<number>;
}

export interface LlamaLanguageModelOptions {
  /** The token that stands for "start of text" before an empty context (harness: EOT). */
  readonly prefixToken: number;
  /** Most padded tokens (sequences x longest length) per forward pass. Default 512 (see BENCHMARKS.md). */
  readonly batchTokens?: number;
  /** Most sequences per forward pass. Default 64; 1 scores one request at a time. */
  readonly maxBatchSize?: number;
  /** Read requests whose input is a prefix of another's from that forward pass. Default true. */
  readonly reuseContext?: boolean;
  /** Checked between forward passes: scoring stops with its reason (e.g. a service shutting down). */
  readonly signal?: AbortSignal;
}

/** A request in token ids: score `continuation` after `context` (non-empty both). */
export interface TokenRequest {
  readonly context: readonly number[];
  readonly continuation: readonly number[];
}

interface TrieNode {
  readonly children: Map<number, TrieNode>;
  /** A row whose input passes through this node. */
  readonly row: number;
}

/** Rows to run and, per request, the row that holds its logits. */
function planRows(inputs: readonly (readonly number[])[], reuse: boolean): { rows: number[]; rowOf: number[] } {
  const order = inputs.map((_, i) => i).sort((a, b) => (inputs[b] as number[]).length - (inputs[a] as number[]).length || a - b);
  const rows: number[] = [];
  const rowOf = new Array<number>(inputs.length);
  const root: TrieNode = { children: new Map(), row: -1 };
  for (const request of order) {
    const input = inputs[request] as readonly number[];
    if (reuse) {
      let node: TrieNode | undefined = root;
      for (const token of input) {
        node = node.children.get(token);
        if (!node) break;
      }
      if (node && node !== root) {
        rowOf[request] = node.row;
        continue;
      }
    }
    const row = rows.length;
    rows.push(request);
    rowOf[request] = row;
    if (reuse) {
      let node = root;
      for (const token of input) {
        let child = node.children.get(token);
        if (!child) {
          child = { children: new Map(), row };
          node.children.set(token, child);
        }
        node = child;
      }
    }
  }
  return { rows, rowOf };
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

export class LlamaLanguageModel implements LanguageModel {
  private readonly batchTokens: number;
  private readonly maxBatchSize: number;
  private readonly reuseContext: boolean;
  /** Sequences run through the model so far (a request read from another's pass adds none). */
  forwardRows = 0;

  constructor(
    readonly model: LlamaModel,
    readonly tokenizer: TextTokenizer,
    readonly options: LlamaLanguageModelOptions,
  ) {
    this.batchTokens = options.batchTokens ?? 512;
    this.maxBatchSize = options.maxBatchSize ?? 64;
    this.reuseContext = options.reuseContext ?? true;
    const vocab = model.config.vocabSize;
    if (!Number.isInteger(options.prefixToken) || options.prefixToken < 0 || options.prefixToken >= vocab) {
      throw new Error(`LlamaLanguageModel: prefixToken ${options.prefixToken} is outside the model's vocabulary [0, ${vocab})`);
    }
    if (!(this.batchTokens >= 1) || !(this.maxBatchSize >= 1)) {
      throw new Error(`LlamaLanguageModel: batchTokens (${this.batchTokens}) and maxBatchSize (${this.maxBatchSize}) must be at least 1`);
    }
  }

  private encode(text: string): number[] {
    return Array.from(this.tokenizer.encode(text));
  }

  /** The harness's `_encode_pair`: the request in token ids. */
  encodePair({ context, continuation }: LoglikelihoodRequest): TokenRequest {
    if (context === '') return { context: [this.options.prefixToken], continuation: this.encode(continuation) };
    const spaces = context.length - context.trimEnd().length;
    const ctx = spaces > 0 ? context.slice(0, -spaces) : context;
    const cont = spaces > 0 ? context.slice(-spaces) + continuation : continuation;
    const whole = this.encode(ctx + cont);
    const contextIds = this.encode(ctx);
    return { context: contextIds, continuation: whole.slice(contextIds.length) };
  }

  async loglikelihood(requests: readonly LoglikelihoodRequest[]): Promise<LoglikelihoodResult[]> {
    const encoded = requests.map((request, index) => {
      const pair = this.encodePair(request);
      if (pair.continuation.length === 0) {
        throw new Error(
          `log-likelihood request ${index}: the continuation ${JSON.stringify(request.continuation)} encodes to no tokens after its context; give a continuation with text in it`,
        );
      }
      return pair;
    });
    return this.scoreTokens(encoded);
  }

  /** Scores token requests (harness `_loglikelihood_tokens`), in request order. */
  async scoreTokens(requests: readonly TokenRequest[]): Promise<LoglikelihoodResult[]> {
    const maxLength = this.model.maxInputLength;
    const vocab = this.model.config.vocabSize;
    const inputs = requests.map(({ context, continuation }, index) => {
      if (context.length === 0 || continuation.length === 0) {
        throw new Error(`token request ${index}: context and continuation must both have tokens (put the prefix token before an empty context)`);
      }
      if (continuation.length > maxLength) {
        throw new Error(`token request ${index}: the continuation has ${continuation.length} tokens, more than the model's ${maxLength}; shorten it`);
      }
      const all = [...context, ...continuation];
      for (const token of all) {
        if (!Number.isInteger(token) || token < 0 || token >= vocab) {
          throw new Error(`token request ${index}: token ${token} is outside the model's vocabulary [0, ${vocab}); is the tokenizer the model's?`);
        }
      }
      return all.slice(-(maxLength + 1)).slice(0, -1);
    });
    const { rows, rowOf } = planRows(inputs, this.reuseContext);
    const requestsOfRow: number[][] = rows.map(() => []);
    rowOf.forEach((row, request) => requestsOfRow[row]?.push(request));
    const results = new Array<LoglikelihoodResult>(requests.length);
    let start = 0;
    while (start < rows.length) {
      this.options.signal?.throwIfAborted();
      const length = (inputs[rows[start] as number] as number[]).length;
      const size = Math.max(1, Math.min(this.maxBatchSize, Math.floor(this.batchTokens / length), rows.length - start));
      this.scoreBatch(start, size, length, rows, requestsOfRow, inputs, requests, results);
      this.forwardRows += size;
      start += size;
      // Let timers run between batches (e.g. a consumer's progress signal to JetStream).
      await nextTick();
    }
    return results;
  }

  private scoreBatch(
    start: number,
    size: number,
    length: number,
    rows: readonly number[],
    requestsOfRow: readonly (readonly number[])[],
    inputs: readonly (readonly number[])[],
    requests: readonly TokenRequest[],
    results: LoglikelihoodResult[],
  ): void {
    const tokens = new Int32Array(size * length);
    // The positions scored in this pass (flat index into [B * T]), each once, and per request
    // its continuation's slots among them; (slot, token) pairs to pick.
    const slotOf = new Map<number, number>();
    const picks: number[] = [];
    const scored: { request: number; slots: number[] }[] = [];
    for (let b = 0; b < size; b++) {
      const row = start + b;
      tokens.set(inputs[rows[row] as number] as number[], b * length);
      for (const request of requestsOfRow[row] as number[]) {
        const continuation = (requests[request] as TokenRequest).continuation;
        const first = (inputs[request] as number[]).length - continuation.length;
        const slots = continuation.map((token, j) => {
          const flat = b * length + first + j;
          let slot = slotOf.get(flat);
          if (slot === undefined) {
            slot = slotOf.size;
            slotOf.set(flat, slot);
          }
          picks.push(slot, token);
          return slot;
        });
        scored.push({ request, slots });
      }
    }
    const [logSumExp, argMax, picked] = tf.tidy(() => {
      // Only the scored positions are projected onto the vocabulary and go through the softmax: [K, V].
      const rowsScored = this.model.logitsAt(tf.tensor2d(tokens, [size, length], 'int32'), tf.tensor1d([...slotOf.keys()], 'int32'));
      return [tf.logSumExp(rowsScored, 1), tf.argMax(rowsScored, 1), tf.gatherND(rowsScored, tf.tensor2d(picks, [picks.length / 2, 2], 'int32'))] as const;
    });
    const lse = logSumExp.dataSync();
    const best = argMax.dataSync();
    const logits = picked.dataSync();
    tf.dispose([logSumExp, argMax, picked]);
    let k = 0;
    for (const { request, slots } of scored) {
      const continuation = (requests[request] as TokenRequest).continuation;
      let logprob = 0;
      let isGreedy = true;
      slots.forEach((slot, j) => {
        logprob += (logits[k++] as number) - (lse[slot] as number);
        if (best[slot] !== continuation[j]) isGreedy = false;
      });
      results[request] = { logprob, isGreedy };
    }
  }
}

/** The continuations an item of a task is scored on, after their contexts (as scoring.ts builds them, without few-shot prefixes). */
function itemRequests(task: Task, index: number): LoglikelihoodRequest[] {
  const delimiter = task.format.targetDelimiter;
  switch (task.kind) {
    case 'multiple-choice': {
      const item = task.items[index]!;
      return item.choices.map((choice) => ({ context: item.context, continuation: delimiter + choice }));
    }
    case 'minimal-pair': {
      const item = task.items[index]!;
      return [item.good, item.bad].map((sentence) => ({ context: '', continuation: delimiter + sentence }));
    }
    case 'cloze': {
      const item = task.items[index]!;
      return [{ context: item.context, continuation: delimiter + item.target }];
    }
  }
}

/**
 * The task without the items that have a continuation longer than the model's input window,
 * which no causal LM of that context can score (the harness refuses them); their ids are
 * returned so that the result can say how many were left out.
 */
export function fitToWindow<T extends Task>(task: T, languageModel: LlamaLanguageModel): { task: T; dropped: string[] } {
  const window = languageModel.model.maxInputLength;
  const dropped: string[] = [];
  const items = task.items.filter((item, index) => {
    const fits = itemRequests(task, index).every((request) => languageModel.encodePair(request).continuation.length <= window);
    if (!fits) dropped.push(item.id);
    return fits;
  });
  return { task: dropped.length === 0 ? task : ({ ...task, items } as T), dropped };
}

export interface HeldOutLoss {
  readonly documents: number;
  readonly tokens: number;
  /** UTF-8 bytes of the documents. */
  readonly bytes: number;
  /** Summed natural-log likelihood of every token. */
  readonly logprob: number;
  /** Mean nats per token. */
  readonly loss: number;
  /** exp(loss). */
  readonly perplexity: number;
  /** -logprob / ln 2 / bytes: comparable across tokenizers. */
  readonly bitsPerByte: number;
}

/**
 * Loss, perplexity and bits per byte of a model on held-out documents, as the harness's
 * `loglikelihood_rolling` (wikitext): each document is cut into windows of maxInputLength
 * tokens, each predicted once; the first window follows the prefix token, the others follow
 * the last token of the window before.
 */
export async function heldOutTextLoss(languageModel: LlamaLanguageModel, documents: readonly string[]): Promise<HeldOutLoss> {
  const window = languageModel.model.maxInputLength;
  const requests: TokenRequest[] = [];
  let bytes = 0;
  let tokens = 0;
  for (const text of documents) {
    const ids = Array.from(languageModel.tokenizer.encode(text));
    bytes += Buffer.byteLength(text, 'utf8');
    tokens += ids.length;
    for (let start = 0; start < ids.length; start += window) {
      requests.push({ context: start === 0 ? [languageModel.options.prefixToken] : [ids[start - 1] as number], continuation: ids.slice(start, start + window) });
    }
  }
  if (tokens === 0) throw new Error('held-out loss: the documents encode to no tokens; give documents with text in them');
  const results = await languageModel.scoreTokens(requests);
  const logprob = results.reduce((sum, r) => sum + r.logprob, 0);
  const loss = -logprob / tokens;
  return { documents: documents.length, tokens, bytes, logprob, loss, perplexity: Math.exp(loss), bitsPerByte: -logprob / Math.LN2 / bytes };
}
