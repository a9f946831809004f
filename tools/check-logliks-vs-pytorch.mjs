#!/usr/bin/env node
// Development check (issue 5): the log-likelihoods our evaluator scores equal an independent
// PyTorch computation on the exported Hugging Face checkpoint, to 1e-4. A small LLaMA with
// weights large enough to give peaked predictions (random N(0, 0.2^2) matrices) is exported
// with writeHuggingFaceDir; tools/reference_llama.py --logliks loads model.safetensors into its
// own implementation (rotate-half rotary, RMSNorm, SwiGLU) and scores the same requests in
// float64 softmax. Also run with position interpolation (--rope-scaling 2) at twice the context.
// Usage: node tools/check-logliks-vs-pytorch.mjs [--rope-scaling 1] [--requests 40] [--python /usr/bin/python3]
// Needs: npx tsc -b libs/model, and Debian's python3-torch.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LlamaModel, Rng, initialParameterValues, resolveModelConfig, selectBackend, writeHuggingFaceDir } from '../libs/model/dist/index.js';

const { values: args } = parseArgs({
  options: {
    'rope-scaling': { type: 'string', default: '1' },
    requests: { type: 'string', default: '40' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
const tolerance = 1e-4;
await selectBackend('cpu');
const config = resolveModelConfig({ hiddenSize: 32, numLayers: 2, numHeads: 4, vocabSize: 120, contextLength: 24, ropeScalingFactor: Number(args['rope-scaling']) });
// Ten times the initial scale: logits of order 1-10, so that a wrong rotary or norm shows.
const values = new Map([...initialParameterValues(config, 11)].map(([name, data]) => [name, name.endsWith('norm.weight') ? data : data.map((v) => v * 10)]));
const model = LlamaModel.fromValues(config, values);

const rng = Rng.fromSeed(5);
const tokens = (n) => Array.from({ length: n }, () => rng.nextInt(config.vocabSize));
const longest = model.maxInputLength;
const requests = Array.from({ length: Number(args.requests) }, () => {
  const continuation = tokens(1 + rng.nextInt(5));
  return { context: tokens(1 + rng.nextInt(longest - continuation.length)), continuation };
});
const ours = model.scoreContinuations(requests).map((score) => score.logLikelihood);

const dir = mkdtempSync(join(tmpdir(), 'downscale-logliks-'));
try {
  await writeHuggingFaceDir(model, join(dir, 'hf'));
  writeFileSync(join(dir, 'requests.json'), JSON.stringify(requests));
  const output = execFileSync(args.python, [join(import.meta.dirname, 'reference_llama.py'), '--logliks', join(dir, 'hf'), join(dir, 'requests.json')], { encoding: 'utf8' });
  const reference = JSON.parse(output.trim().split('\n').at(-1)).logLikelihoods;
  const differences = ours.map((value, i) => Math.abs(value - reference[i]));
  const worst = Math.max(...differences);
  const range = [Math.min(...ours), Math.max(...ours)].map((v) => v.toFixed(2)).join(' .. ');
  console.log(
    `${requests.length} requests (contexts up to ${longest} tokens, rope scaling ${config.ropeScalingFactor}); log-likelihoods ${range}; ` +
      `largest difference from PyTorch ${worst.toExponential(2)} (tolerance ${tolerance}): ${worst <= tolerance ? 'match' : 'MISMATCH'}`,
  );
  process.exitCode = worst <= tolerance ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
  model.dispose();
}
