import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { modelConfig, trainingConfig, type ModelConfig, type TrainingJob } from '@downscale/contracts';
import { readInputFiles, resolveRunInputs, writeFileAtomic, type InputFile } from '@downscale/corpus-io';
import { presetSpec, runTraining, trainingOf } from '@downscale/experiments';
import { backendLabel, countParameters, selectBackend } from '@downscale/model';
import { loadTokenizer, readTokenFile, trainBpe, writeTokenFile, type BpeTokenizer } from '@downscale/tokenizer';
import { planRun, TokenDataset, TrainingConfigError, trainRun, type MetricPoint, type RunPlan } from '@downscale/training';
import cliProgress from 'cli-progress';
import { CHECKPOINT_FILE, stepFolderName, stepFolders, TOKENIZER_FILE } from './checkpoint-files.js';

export interface TrainFlags {
  corpus: string;
  out: string;
  hidden: number;
  layers: number;
  heads?: number;
  context?: number;
  batch?: number;
  microBatch?: number;
  tokens: number;
  tokenizer?: string;
  vocabSize?: number;
  lr?: number;
  seed: number;
  backend?: string;
  /** Data-parallel replicas (default: one per core, at most 4). */
  threads?: number;
}

export interface TrainReport {
  status: 'completed' | 'stopped';
  steps: number;
  tokens: number;
  finalEvalLoss?: number;
  backend: string;
  /** The newest checkpoint folder written. */
  checkpoint?: string;
  out: string;
}

/** The token file of a prepared corpus, as the corpus service names it (with its description in tokens.bin.json). */
const TOKENS_FILE = 'tokens.bin';

/** The flag that sets each config field, so that a bad value is reported by the name the user typed. */
const FLAG_OF: Readonly<Record<string, string>> = {
  hiddenSize: '--hidden',
  layers: '--layers',
  numLayers: '--layers',
  heads: '--heads',
  numHeads: '--heads',
  vocabSize: '--vocab-size',
  contextLength: '--context',
  tokenBudget: '--tokens',
  batchSize: '--batch',
  microBatchSize: '--micro-batch',
  peakLearningRate: '--lr',
  seed: '--seed',
};

const flagOf = (field: string): string | undefined => FLAG_OF[field.replace(/^model\./, '')];

function invalid(field: string, message: string): Error {
  const flag = flagOf(field);
  return new Error(`invalid training config: ${flag ? `${flag} (${field})` : field}: ${message}`);
}

function parsed<T>(result: { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } }): T {
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  throw invalid(issue?.path.map(String).join('.') ?? '(config)', issue?.message ?? 'invalid');
}

/** Where the token ids come from: a prepared token file, or text files to tokenize. */
type CorpusInput =
  | { kind: 'tokens'; ids: Uint16Array | Uint32Array; vocabSize: number; tokenizer?: string }
  | { kind: 'text'; files: InputFile[] };

/** Reads a prepared token file, or lists the text files to tokenize (errors name --corpus). */
async function openCorpus(corpus: string, out: string): Promise<CorpusInput> {
  const path = resolve(corpus);
  const info = await stat(path).catch(() => undefined);
  if (!info) {
    throw new Error(`--corpus ${path} does not exist; pass .txt, .jsonl, .jsonl.zst or .parquet files or a folder of them, or a prepared corpus (${TOKENS_FILE} with ${TOKENS_FILE}.json)`);
  }
  const tokenFile = info.isDirectory() ? join(path, TOKENS_FILE) : path;
  if (existsSync(`${tokenFile}.json`)) {
    const { summary, ids } = await readTokenFile(tokenFile);
    const tokenizer = join(dirname(tokenFile), TOKENIZER_FILE);
    return { kind: 'tokens', ids, vocabSize: summary.vocabSize, ...(existsSync(tokenizer) ? { tokenizer } : {}) };
  }
  return { kind: 'text', files: await resolveRunInputs(path, out).catch((error: Error) => Promise.reject(new Error(`--corpus: ${error.message}`))) };
}

/**
 * The tokenizer to use (loaded now) or the vocabulary size of one to train, checked against the
 * corpus. A resumed run keeps the tokenizer it trained (in `resumedOut`), so its ids stay the same.
 */
async function chooseTokenizer(flags: TrainFlags, corpus: CorpusInput, resumedOut?: string): Promise<{ tokenizer?: BpeTokenizer; vocabSize: number }> {
  if (corpus.kind === 'tokens') {
    if (flags.vocabSize !== undefined) throw new Error(`--vocab-size trains a tokenizer for a text corpus, but --corpus ${flags.corpus} is already tokenized; leave it out`);
    const path = flags.tokenizer ?? corpus.tokenizer;
    const tokenizer = path === undefined ? undefined : await loadTokenizer(path);
    if (tokenizer && tokenizer.vocabSize !== corpus.vocabSize) {
      throw new Error(`--tokenizer ${path} has ${tokenizer.vocabSize} tokens but the corpus was tokenized with ${corpus.vocabSize}; pass the corpus's own tokenizer.json`);
    }
    return { ...(tokenizer ? { tokenizer } : {}), vocabSize: corpus.vocabSize };
  }
  if ((flags.tokenizer === undefined) === (flags.vocabSize === undefined)) {
    throw new Error('a text corpus needs exactly one of --tokenizer <tokenizer.json> or --vocab-size <n> (to train a tokenizer on it)');
  }
  const ownTokenizer = resumedOut === undefined ? undefined : join(resumedOut, TOKENIZER_FILE);
  if (flags.tokenizer === undefined && !(ownTokenizer && existsSync(ownTokenizer))) return { vocabSize: flags.vocabSize! };
  const tokenizer = await loadTokenizer(flags.tokenizer ?? ownTokenizer!);
  return { tokenizer, vocabSize: tokenizer.vocabSize };
}

/**
 * The run's plan from the flags, validated by the training job's schemas and the planner;
 * the optimiser settings are the demo preset's (sized for short runs) unless overridden.
 */
function planFromFlags(flags: TrainFlags, vocabSize: number): RunPlan {
  const model: ModelConfig = parsed(
    modelConfig.safeParse({
      hiddenSize: flags.hidden,
      layers: flags.layers,
      vocabSize,
      ...(flags.heads === undefined ? {} : { heads: flags.heads }),
      ...(flags.context === undefined ? {} : { contextLength: flags.context }),
    }),
  );
  const preset = trainingOf(presetSpec('demo'));
  const batchSize = flags.batch ?? preset.batchSize;
  const optimiser = { ...preset, batchSize, microBatchSize: flags.microBatch ?? batchSize, peakLearningRate: flags.lr ?? preset.peakLearningRate };
  const training: TrainingJob['training'] = parsed(
    trainingConfig.safeParse(runTraining(optimiser, { tokenBudget: flags.tokens, contextLength: model.contextLength, seed: flags.seed })),
  );
  try {
    return planRun(model, training);
  } catch (error) {
    if (!(error instanceof TrainingConfigError)) throw error;
    const flag = flagOf(error.field);
    throw new Error(flag ? `${error.message} (set by ${flag})` : error.message);
  }
}

async function* texts(files: readonly InputFile[]): AsyncGenerator<string> {
  for await (const document of readInputFiles(files)) yield document.text;
}

const duration = (seconds: number): string => {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
};

/**
 * Training progress on stderr: a bar with loss, tokens/s and ETA on a terminal; otherwise a
 * line at each evaluation (logs and pipes get a few lines, not one per step).
 */
function trainingProgress(plan: RunPlan, stream: NodeJS.WriteStream): { update(point: MetricPoint): void; stop(): void } {
  const started = performance.now();
  let loss = '–';
  let evalLoss = '–';
  const fields = (point: MetricPoint) => {
    if (point.trainLoss !== undefined) loss = point.trainLoss.toFixed(4);
    if (point.evalLoss !== undefined) evalLoss = point.evalLoss.toFixed(4);
    // Whole-run wall rate (evaluations included), which is what the ETA needs.
    const seconds = (performance.now() - started) / 1000;
    const rate = point.step > 0 ? point.tokens / seconds : 0;
    const eta = point.step > 0 ? duration(((plan.totalSteps - point.step) * seconds) / point.step) : '?';
    return { loss, evalLoss, rate: Math.round(rate).toLocaleString('en-US'), eta };
  };
  if (!stream.isTTY) {
    return {
      update: (point) => {
        if (point.evalLoss === undefined) return;
        const f = fields(point);
        stream.write(`step ${point.step}/${plan.totalSteps} | loss ${f.loss} | eval ${f.evalLoss} | ${f.rate} tokens/s | ETA ${f.eta}\n`);
      },
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    { stream, format: 'training [{bar}] step {value}/{total} | loss {loss} | eval {evalLoss} | {rate} tokens/s | ETA {eta}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(plan.totalSteps, 0, { loss, evalLoss, rate: '0', eta: '?' });
  return { update: (point) => bar.update(point.step, fields(point)), stop: () => bar.stop() };
}

/** The newest checkpoint of a run folder that `downscale train` left (stopped or completed), if any. */
async function newestCheckpoint(out: string): Promise<{ path: string; bytes: Uint8Array } | undefined> {
  const newest = (await stepFolders(out)).at(-1);
  if (!newest) return undefined;
  const path = join(newest.path, CHECKPOINT_FILE);
  const bytes = await readFile(path).catch((error: Error) => {
    throw new Error(`--out ${out} holds ${newest.path} but its checkpoint cannot be read (${error.message}); remove that folder to resume from the one before, or pass a new --out`);
  });
  return { path, bytes };
}

/**
 * `downscale train`: one run in the foreground, without NATS or a database. Everything is
 * checked before any work; then the tokenizer is trained (or taken), the corpus tokenized,
 * and the run trained with checkpoints in <out>/step-N/ and the tokenizer in <out>. An <out>
 * that already holds checkpoints is resumed from the newest, if it is this run's.
 */
export async function train(flags: TrainFlags): Promise<TrainReport> {
  const out = resolve(flags.out);
  const corpus = await openCorpus(flags.corpus, out);
  const resume = await newestCheckpoint(out);
  const choice = await chooseTokenizer(flags, corpus, resume ? out : undefined);
  let plan = planFromFlags(flags, choice.vocabSize);
  const backend = await selectBackend(flags.backend);
  const threads = flags.threads ?? Math.min(availableParallelism(), 4);

  await mkdir(out, { recursive: true });
  let ids: Uint16Array | Uint32Array;
  let tokenizer = choice.tokenizer;
  if (corpus.kind === 'tokens') ids = corpus.ids;
  else {
    tokenizer ??= await trainBpe(texts(corpus.files), { vocabSize: choice.vocabSize });
    await writeTokenFile(join(out, TOKENS_FILE), tokenizer, texts(corpus.files));
    ids = (await readTokenFile(join(out, TOKENS_FILE))).ids;
    // A trained tokenizer stops early on a small corpus: the model gets its real size.
    plan = planFromFlags(flags, tokenizer.vocabSize);
  }
  if (tokenizer) await tokenizer.save(join(out, TOKENIZER_FILE));
  const dataset = new TokenDataset(ids, { contextLength: plan.contextLength, seed: flags.seed });
  const { model } = plan;
  process.stderr.write(
    `training h=${model.hiddenSize} layers=${model.numLayers} heads=${model.numHeads} vocabulary=${model.vocabSize} (${countParameters(model).total.toLocaleString('en-US')} parameters) ` +
      `on ${dataset.trainTokens.toLocaleString('en-US')} tokens: ${plan.totalSteps} steps of ${plan.tokensPerStep} tokens on ${backend}${threads > 1 ? ` (${threads} threads)` : ''}\n`,
  );

  if (resume) process.stderr.write(`resuming from ${resume.path}\n`);
  let checkpoint = resume ? dirname(resume.path) : undefined;
  const abort = new AbortController();
  // Ctrl-C stops after the current step with a checkpoint.
  const interrupt = () => abort.abort();
  process.once('SIGINT', interrupt);
  const progress = trainingProgress(plan, process.stderr);
  try {
    const outcome = await trainRun({
      plan,
      dataset,
      ...(resume ? { resume: resume.bytes } : {}),
      threads,
      signal: abort.signal,
      metricsInterval: 1,
      flushIntervalMs: 0,
      onMetrics: (points) => points.forEach((point) => progress.update(point)),
      onCheckpoint: async ({ step, bytes }) => {
        const folder = join(out, stepFolderName(step));
        await mkdir(folder, { recursive: true });
        await writeFileAtomic(join(folder, CHECKPOINT_FILE), bytes);
        checkpoint = folder;
      },
    });
    if (outcome.status === 'diverged') throw new Error(`${outcome.reason ?? 'training diverged'}${checkpoint ? `; the last good checkpoint is ${checkpoint}` : ''}`);
    return {
      status: outcome.status,
      steps: outcome.step,
      tokens: outcome.tokens,
      ...(outcome.finalEvalLoss === undefined ? {} : { finalEvalLoss: outcome.finalEvalLoss }),
      backend: backendLabel(outcome.backend),
      ...(checkpoint ? { checkpoint } : {}),
      out,
    };
  } catch (error) {
    if (resume && error instanceof Error && error.message.startsWith('resume:')) {
      throw new Error(`--out ${out} holds checkpoints of another run: ${error.message}. Pass that run's flags to resume it, or a new --out`);
    }
    throw error;
  } finally {
    progress.stop();
    process.removeListener('SIGINT', interrupt);
  }
}

export function trainSummary(report: TrainReport): string {
  const loss = report.finalEvalLoss === undefined ? '' : `; held-out loss ${report.finalEvalLoss.toFixed(4)}`;
  return [
    `${report.status} ${report.steps} steps (${report.tokens.toLocaleString('en-US')} tokens) on ${report.backend}${loss}`,
    `checkpoints in ${report.out}${report.checkpoint ? ` (newest ${report.checkpoint})` : ''}; for Hugging Face: downscale export --checkpoint ${report.out} --out <dir>`,
  ].join('\n');
}
