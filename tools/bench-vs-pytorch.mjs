#!/usr/bin/env node
// Training throughput of ours (`downscale bench-train`) against the PyTorch reference of the
// same architecture and step (tools/reference_llama.py on Debian's python3-torch), on the same
// machine in one run, interleaved so that both see the same load. Each side takes its best
// setting: ours over --backends x 1 and 2 data-parallel threads, PyTorch over 1 and 2 threads;
// each measurement is repeated --repeats times and the best kept. Also prints model FLOP
// utilisation against each setting's measured matmul peak (a 512 x 512 x 512 float32 product;
// for ours with k replicas, k times one thread's), counting the model's matmul FLOPs.
// Usage: node tools/bench-vs-pytorch.mjs [--configs 128x4,256x4] [--vocab 15000] [--context 128]
//          [--batch 16] [--steps 3] [--repeats 2] [--backends wasm] [--python /usr/bin/python3] [--json]
// Needs: npm run build (or npx tsc -b apps/cli), and `apt-get install python3-torch libopenblas0-pthread`
// (OpenBLAS serves both sides: PyTorch on Debian is built on it, and ours uses it through koffi).
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { backendLabel, flopsPerToken, matMul, resolveModelConfig, selectBackend, tf } from '../libs/model/dist/index.js';

const { values: args } = parseArgs({
  options: {
    configs: { type: 'string', default: '128x4,256x4' },
    vocab: { type: 'string', default: '15000' },
    context: { type: 'string', default: '128' },
    batch: { type: 'string', default: '16' },
    steps: { type: 'string', default: '3' },
    repeats: { type: 'string', default: '2' },
    backends: { type: 'string', default: 'wasm' },
    python: { type: 'string', default: '/usr/bin/python3' },
    json: { type: 'boolean', default: false },
  },
});
const root = join(import.meta.dirname, '..');
const cli = join(root, 'apps', 'cli', 'bin', 'downscale.mjs');
const reference = join(root, 'tools', 'reference_llama.py');
const common = ['--vocab', args.vocab, '--context', args.context, '--batch', args.batch, '--steps', args.steps];

function runJson(command, argv) {
  const out = execFileSync(command, argv, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 });
  return JSON.parse(out.trim().split('\n').at(-1));
}

function torchMatmulPeak(threads) {
  const script = `import torch, time, json
torch.set_num_threads(${threads}); a = torch.randn(512, 512); b = torch.randn(512, 512); a @ b
t = time.perf_counter(); n = 20
for _ in range(n): a @ b
print(json.dumps({"gflops": n * 2 * 512 ** 3 / (time.perf_counter() - t) / 1e9}))`;
  return runJson(args.python, ['-c', script]).gflops;
}

async function oursMatmulPeak(backend) {
  await selectBackend(backend);
  const a = tf.randomNormal([512, 512]);
  const b = tf.randomNormal([512, 512]);
  // The tidy callbacks return nothing: a returned Float32Array would be walked element by element.
  // Our own product (on wasm, OpenBLAS's where it is installed), as training runs it.
  const product = () => tf.tidy(() => void matMul(a, b).dataSync());
  product();
  const n = 20;
  const started = performance.now();
  for (let i = 0; i < n; i++) product();
  const gflops = (n * 2 * 512 ** 3) / ((performance.now() - started) / 1000) / 1e9;
  tf.dispose([a, b]);
  return gflops;
}

const backends = args.backends.split(',');
const threadSettings = [1, 2];
const peaks = { ours: {}, pytorch: {} };
for (const backend of backends) peaks.ours[backend] = await oursMatmulPeak(backend);
for (const threads of threadSettings) peaks.pytorch[threads] = torchMatmulPeak(threads);

const rows = [];
for (const shape of args.configs.split(',')) {
  const [hidden, layers] = shape.split('x');
  const config = resolveModelConfig({ hiddenSize: Number(hidden), numLayers: Number(layers), vocabSize: Number(args.vocab), contextLength: Number(args.context) });
  // Matmul FLOPs per token, forward + backward (2x forward): the detailed count less its
  // embedding term, since the embedding is a gather, not a product.
  const perToken = flopsPerToken(config);
  const flops = perToken.detailed - 3 * perToken.forward.embeddings;
  const best = { ours: null, pytorch: null };
  const keep = (side, result) => {
    if (!best[side] || result.tokensPerSecond > best[side].tokensPerSecond) best[side] = result;
  };
  for (let repeat = 0; repeat < Number(args.repeats); repeat++) {
    for (const backend of backends) {
      for (const threads of threadSettings) {
        const result = runJson(process.execPath, [cli, 'bench-train', '--hidden', hidden, '--layers', layers, ...common, '--backend', backend, '--threads', String(threads), '--json']);
        keep('ours', { ...result, setting: `${backendLabel(backend)} x${threads}`, peak: threads * peaks.ours[backend] });
      }
    }
    for (const threads of threadSettings) {
      const result = runJson(args.python, [reference, '--hidden', hidden, '--layers', layers, ...common, '--threads', String(threads)]);
      keep('pytorch', { ...result, setting: `${threads} thread${threads > 1 ? 's' : ''}`, peak: peaks.pytorch[threads] });
    }
  }
  const utilisation = (result) => (result.tokensPerSecond * flops) / 1e9 / result.peak;
  rows.push({
    config: `h=${hidden}, ${layers} layers, V=${args.vocab}, T=${args.context}, batch ${args.batch}`,
    params: best.ours.params,
    ours: { tokensPerSecond: best.ours.tokensPerSecond, setting: best.ours.setting, mfu: utilisation(best.ours) },
    pytorch: { tokensPerSecond: best.pytorch.tokensPerSecond, setting: best.pytorch.setting, mfu: utilisation(best.pytorch) },
    ratio: best.ours.tokensPerSecond / best.pytorch.tokensPerSecond,
  });
}

const report = { machine: { cpus: cpus().length, model: cpus()[0]?.model }, matmulPeakGflops: peaks, rows };
if (args.json) console.log(JSON.stringify(report));
else {
  const peakText = (side) => Object.entries(peaks[side]).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ');
  console.log(`${report.machine.cpus} x ${report.machine.model}; matmul peak GFLOP/s: ours ${peakText('ours')}; pytorch (threads) ${peakText('pytorch')}`);
  for (const row of rows) {
    const side = (s) => `${s.tokensPerSecond} tokens/s (${s.setting}, MFU ${(100 * s.mfu).toFixed(0)}%)`;
    console.log(`${row.config}: ours ${side(row.ours)}; pytorch ${side(row.pytorch)}; ratio ${row.ratio.toFixed(2)}`);
  }
}
