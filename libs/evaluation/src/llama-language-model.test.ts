import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { decodeSafetensors, exportHuggingFace, importHuggingFace, LlamaModel, parameterSpecs, resolveModelConfig, selectBackend, tf } from '@downscale/model';
import { trainBpe, type BpeTokenizer } from '@downscale/tokenizer';
import { heldOutParagraphs } from './held-out-text.js';
import { referenceLogProbs } from './reference-llama.test-helper.js';
import { fitToWindow, heldOutTextLoss, LlamaLanguageModel } from './llama-language-model.js';
import { scoreTask } from './scoring.js';
import { HARNESS_PROMPT_FORMAT, type MultipleChoiceTask } from './tasks.js';

const TEXTS = [
  'The cat sat on the mat. The dog ran to the park and the cat ran after him.',
  'A little bird sang in the tree, and the children played in the sun all day.',
  'Once upon a time there was a rabbit who lived under a big green hill.',
];

function closeTo(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected}`);
}

describe('LlamaLanguageModel', () => {
  let tokenizer: BpeTokenizer;
  let model: LlamaModel;
  const prefix = () => tokenizer.specialTokenIds.eos;

  before(async () => {
    assert.equal(await selectBackend('cpu'), 'cpu');
    tokenizer = await trainBpe(TEXTS, { vocabSize: 120 });
    model = LlamaModel.create({ hiddenSize: 16, numLayers: 1, numHeads: 2, vocabSize: tokenizer.vocabSize, contextLength: 16 }, 11);
  });

  it('encodes pairs as the harness: trailing context spaces move to the continuation, an empty context is the prefix token', () => {
    const lm = new LlamaLanguageModel(model, tokenizer, { prefixToken: prefix() });
    const ids = (text: string) => Array.from(tokenizer.encode(text));
    assert.deepEqual(lm.encodePair({ context: 'The cat', continuation: ' sat on' }), { context: ids('The cat'), continuation: ids('sat on') });
    assert.deepEqual(lm.encodePair({ context: 'The cat ', continuation: 'sat' }), { context: ids('The cat'), continuation: ids('sat') });
    assert.deepEqual(lm.encodePair({ context: '', continuation: ' The dog' }), { context: [prefix()], continuation: ids('The dog') });
  });

  it('gives the log-likelihoods and greediness of the model\'s own full-softmax scoring, batched or not, with or without reuse', async () => {
    const requests = [
      { context: 'The cat sat on the', continuation: ' mat' },
      { context: 'The cat sat on the', continuation: ' mat.' },
      { context: 'The cat sat on the', continuation: ' hill' },
      { context: '', continuation: ' The dog ran to the park' },
      { context: 'A little bird sang in the tree, and the children played in the sun all', continuation: ' day.' }, // longer than the context: cut
      { context: 'Once upon a time', continuation: ' there was a rabbit' },
    ];
    const batched = new LlamaLanguageModel(model, tokenizer, { prefixToken: prefix() });
    const single = new LlamaLanguageModel(model, tokenizer, { prefixToken: prefix(), maxBatchSize: 1, reuseContext: false });
    const fast = await batched.loglikelihood(requests);
    // The model keeps its causal mask and rotary tables per input length: measure a second pass.
    const before = tf.memory().numTensors;
    await batched.loglikelihood(requests);
    assert.equal(tf.memory().numTensors, before, 'no tensors left behind');
    batched.forwardRows = 0;
    await batched.loglikelihood(requests);
    const slow = await single.loglikelihood(requests);
    const reference = model.scoreContinuations(requests.map((r) => batched.encodePair(r)), 1);
    requests.forEach((_, i) => {
      closeTo(fast[i]!.logprob, reference[i]!.logLikelihood, 1e-4, `request ${i} batched`);
      closeTo(slow[i]!.logprob, reference[i]!.logLikelihood, 1e-4, `request ${i} one at a time`);
      assert.equal(fast[i]!.isGreedy, reference[i]!.isGreedy, `request ${i} greedy`);
      assert.equal(slow[i]!.isGreedy, reference[i]!.isGreedy, `request ${i} greedy, one at a time`);
    });
    assert.equal(single.forwardRows, requests.length);
    // The input of " mat" and of " hill" is the context alone, a prefix of " mat."'s input.
    assert.ok(batched.forwardRows < requests.length, `reuse ran ${batched.forwardRows} rows for ${requests.length} requests`);
  });

  it('reads one-token choices after one context from a single forward pass', async () => {
    const lm = new LlamaLanguageModel(model, tokenizer, { prefixToken: prefix() });
    const task: MultipleChoiceTask = {
      name: 'one-token',
      kind: 'multiple-choice',
      format: HARNESS_PROMPT_FORMAT,
      items: [{ id: 'a', context: 'The cat sat on the', choices: ['mat', 'dog', 'cat', 'sun'], gold: 0 }],
    };
    const result = await scoreTask(lm, task);
    assert.equal(lm.forwardRows, 1);
    const reference = model.scoreContinuations(task.items[0]!.choices.map((c) => lm.encodePair({ context: 'The cat sat on the', continuation: ` ${c}` })));
    assert.equal(result.kind, 'multiple-choice');
    if (result.kind === 'multiple-choice') result.items[0]!.logliks.forEach((ll, c) => closeTo(ll, reference[c]!.logLikelihood, 1e-4, `choice ${c}`));
  });

  it('leaves out the items with a continuation longer than the model\'s window, naming them', () => {
    const lm = new LlamaLanguageModel(model, tokenizer, { prefixToken: prefix() });
    const long = Array.from({ length: 12 }, () => 'the cat sat').join(' '); // 36 tokens > 16
    const task: MultipleChoiceTask = {
      name: 'window',
      kind: 'multiple-choice',
      format: HARNESS_PROMPT_FORMAT,
      items: [
        { id: 'short', context: 'The cat sat on the', choices: ['mat', 'hill'], gold: 0 },
        { id: 'long', context: 'The cat sat on the', choices: ['mat', long], gold: 0 },
      ],
    };
    const { task: fitted, dropped } = fitToWindow(task, lm);
    assert.deepEqual(dropped, ['long']);
    assert.deepEqual(fitted.items.map((item) => item.id), ['short']);
    assert.equal(fitToWindow(fitted, lm).task, fitted, 'a task that fits is returned as it is');
  });

  it('refuses requests it cannot score, saying why', async () => {
    const lm = new LlamaLanguageModel(model, tokenizer, { prefixToken: prefix() });
    await assert.rejects(lm.loglikelihood([{ context: 'The cat', continuation: '   ' }]), /encodes to no tokens/);
    await assert.rejects(lm.scoreTokens([{ context: [1], continuation: [tokenizer.vocabSize] }]), /outside the model's vocabulary/);
    assert.throws(() => new LlamaLanguageModel(model, tokenizer, { prefixToken: -1 }), /prefixToken -1/);
    const stop = new AbortController();
    stop.abort(new Error('the service is shutting down'));
    const stopped = new LlamaLanguageModel(model, tokenizer, { prefixToken: prefix(), signal: stop.signal });
    await assert.rejects(stopped.loglikelihood([{ context: 'The cat', continuation: ' sat' }]), /the service is shutting down/);
  });
});

describe('LlamaLanguageModel against an independent float64 Hugging Face LLaMA forward pass', () => {
  it('gives the same log-likelihoods (1e-4) and greediness on the exported weights, RoPE scaling and truncation included', async () => {
    assert.equal(await selectBackend('cpu'), 'cpu');
    const tokenizer = await trainBpe(TEXTS, { vocabSize: 120 });
    // Large random weights, so that the log-probabilities are far from uniform.
    const config = resolveModelConfig({ hiddenSize: 16, numLayers: 2, numHeads: 2, vocabSize: tokenizer.vocabSize, contextLength: 8, ropeScalingFactor: 2 });
    let state = 12345;
    const uniform = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
    const values = new Map(parameterSpecs(config).map((spec) => [spec.name, Float32Array.from({ length: spec.shape.reduce((a, b) => a * b, 1) }, () => (spec.init === 'ones' ? 1 + 0.2 * uniform() : 0.6 * uniform()))]));
    const original = LlamaModel.fromValues(config, values);
    const exported = exportHuggingFace(original);
    original.dispose();
    const model = importHuggingFace(exported.config as unknown as Record<string, unknown>, exported.safetensors);
    const tensors = decodeSafetensors(exported.safetensors).tensors;
    const lm = new LlamaLanguageModel(model, tokenizer, { prefixToken: tokenizer.specialTokenIds.eos });
    const requests = [
      { context: 'The cat sat on the', continuation: ' mat.' },
      { context: 'The cat sat on the', continuation: ' hill' },
      { context: '', continuation: ' Once upon a time' },
      { context: 'A little bird sang in the tree, and the children played in the sun all', continuation: ' day.' }, // cut to the last 16 tokens
    ];
    const results = await lm.loglikelihood(requests);
    requests.forEach((request, i) => {
      const { context, continuation } = lm.encodePair(request);
      const input = [...context, ...continuation].slice(-(model.maxInputLength + 1)).slice(0, -1);
      assert.ok(i < 3 || context.length + continuation.length > model.maxInputLength + 1, 'the last request is truncated');
      const logProbs = referenceLogProbs(exported.config, tensors, input);
      const first = input.length - continuation.length;
      const expected = continuation.reduce((sum, token, j) => sum + (logProbs[first + j]![token] as number), 0);
      const greedy = continuation.every((token, j) => logProbs[first + j]!.indexOf(Math.max(...logProbs[first + j]!)) === token);
      closeTo(results[i]!.logprob, expected, 1e-4, `request ${i}`);
      assert.equal(results[i]!.isGreedy, greedy, `request ${i} greedy`);
    });
    assert.ok(Math.abs(results[0]!.logprob - results[1]!.logprob) > 0.1, 'the weights make a difference between choices');
    model.dispose();
  });
});

describe('heldOutTextLoss', () => {
  it('scores every token once in windows of the context length: loss, perplexity and bits per byte', async () => {
    assert.equal(await selectBackend('cpu'), 'cpu');
    const tokenizer = await trainBpe(TEXTS, { vocabSize: 120 });
    const model = LlamaModel.create({ hiddenSize: 16, numLayers: 1, numHeads: 2, vocabSize: tokenizer.vocabSize, contextLength: 8 }, 5);
    const eos = tokenizer.specialTokenIds.eos;
    const lm = new LlamaLanguageModel(model, tokenizer, { prefixToken: eos });
    const result = await heldOutTextLoss(lm, TEXTS);
    // By hand: each document's tokens in chunks of 8, the first after </s>, the next after the token before.
    let logprob = 0;
    let tokens = 0;
    for (const text of TEXTS) {
      const ids = Array.from(tokenizer.encode(text));
      tokens += ids.length;
      for (let start = 0; start < ids.length; start += 8) {
        const [score] = model.scoreContinuations([{ context: start === 0 ? [eos] : [ids[start - 1]!], continuation: ids.slice(start, start + 8) }]);
        logprob += score!.logLikelihood;
      }
    }
    const bytes = TEXTS.reduce((sum, t) => sum + Buffer.byteLength(t), 0);
    assert.equal(result.tokens, tokens);
    assert.equal(result.bytes, bytes);
    closeTo(result.loss, -logprob / tokens, 1e-5, 'loss');
    closeTo(result.perplexity, Math.exp(-logprob / tokens), 1e-3, 'perplexity');
    closeTo(result.bitsPerByte, -logprob / Math.LN2 / bytes, 1e-5, 'bits per byte');
    closeTo(result.loss, Math.log(tokenizer.vocabSize), 0.3, 'an untrained model is near uniform');
    model.dispose();
  });
});

describe('heldOutParagraphs', () => {
  it('takes paragraphs from each book in turn, lines joined, up to the byte budget', () => {
    const books = [
      { id: 'a', text: 'First of a,\nwrapped.\n\nSecond of a.\n\n\nThird of a.' },
      { id: 'b', text: 'First of b.\r\n\r\nSecond of b.' },
    ];
    assert.deepEqual(heldOutParagraphs(books), ['First of a, wrapped.', 'First of b.', 'Second of a.', 'Second of b.', 'Third of a.']);
    assert.deepEqual(heldOutParagraphs(books, 35), ['First of a, wrapped.', 'First of b.']);
    assert.throws(() => heldOutParagraphs(books, 0), /maxBytes must be positive/);
  });
});
