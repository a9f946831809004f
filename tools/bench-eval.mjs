#!/usr/bin/env node
// Scored items per second of the evaluator's LlamaLanguageModel on a 4-choice task
// (builtin/next-sentence: 3 context sentences, 4 candidate next sentences), batched (sorted
// by length, prefix reuse, --batch-tokens padded tokens per pass) against the same items
// scored one request at a time, and the ratio. The model is freshly initialised (speed does
// not depend on the weights); the tokenizer is BPE trained on the held-out books.
// Usage: node tools/bench-eval.mjs [--hidden 128] [--layers 4] [--vocab 15000] [--items 40]
//          [--batch-tokens 512] [--backend wasm] [--json]
// Build first: npx tsc -b libs/evaluation
import { cpus } from 'node:os';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { bundledHoldout } from '../libs/corpus-io/dist/index.js';
import { LlamaLanguageModel, resolveTasks, scoreTask } from '../libs/evaluation/dist/index.js';
import { LlamaModel, selectBackend } from '../libs/model/dist/index.js';
import { trainBpe } from '../libs/tokenizer/dist/index.js';

const { values: args } = parseArgs({
  options: {
    hidden: { type: 'string', default: '128' },
    layers: { type: 'string', default: '4' },
    vocab: { type: 'string', default: '15000' },
    items: { type: 'string', default: '40' },
    'batch-tokens': { type: 'string', default: '512' },
    backend: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const backend = await selectBackend(args.backend);
const tokenizer = await trainBpe(bundledHoldout().map((book) => book.text), { vocabSize: Number(args.vocab) });
const model = LlamaModel.create({ hiddenSize: Number(args.hidden), numLayers: Number(args.layers), vocabSize: tokenizer.vocabSize }, 1);
const { tasks } = await resolveTasks(['builtin/next-sentence'], { maxItems: Number(args.items) });
const task = tasks[0].task;
const prefixToken = tokenizer.specialTokenIds.eos;

async function itemsPerSecond(options) {
  const lm = new LlamaLanguageModel(model, tokenizer, { prefixToken, ...options });
  await scoreTask(lm, { ...task, items: task.items.slice(0, 2) }); // warm-up: kernels, position tables
  lm.forwardRows = 0;
  const cpuStart = process.cpuUsage();
  const started = performance.now();
  const result = await scoreTask(lm, task);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  // CPU seconds of this process: less disturbed than wall time by other jobs on a shared machine.
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  return { itemsPerSecond: task.items.length / seconds, seconds, itemsPerCpuSecond: task.items.length / cpuSeconds, cpuSeconds, forwardRows: lm.forwardRows, acc: result.acc };
}

const batched = await itemsPerSecond({ batchTokens: Number(args['batch-tokens']) });
const single = await itemsPerSecond({ maxBatchSize: 1, reuseContext: false });
const report = {
  task: task.name,
  items: task.items.length,
  requests: task.items.reduce((n, item) => n + item.choices.length, 0),
  model: { hidden: model.config.hiddenSize, layers: model.config.numLayers, vocab: model.config.vocabSize, context: model.config.contextLength },
  backend,
  cpu: `${cpus().length} x ${cpus()[0]?.model ?? 'unknown'}`,
  batched,
  oneAtATime: single,
  ratio: batched.itemsPerSecond / single.itemsPerSecond,
  sameAccuracy: batched.acc === single.acc,
};
model.dispose();
if (args.json) console.log(JSON.stringify(report));
else {
  console.log(`${report.task}: ${report.items} items (${report.requests} requests), h=${report.model.hidden}/${report.model.layers} layers, vocabulary ${report.model.vocab}, ${backend}`);
  console.log(`batched:         ${batched.itemsPerSecond.toFixed(2)} items/s, ${batched.itemsPerCpuSecond.toFixed(2)} items per CPU second (${batched.forwardRows} sequences run)`);
  console.log(`one at a time:   ${single.itemsPerSecond.toFixed(2)} items/s, ${single.itemsPerCpuSecond.toFixed(2)} items per CPU second (${single.forwardRows} sequences run)`);
  console.log(`ratio:           ${report.ratio.toFixed(2)}x; same accuracy: ${report.sameAccuracy}`);
}
