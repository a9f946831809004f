import { Command, InvalidArgumentError } from 'commander';
import { HARNESS_TASK_NAMES } from '@downscale/evaluation';
import { presetNames, presetSpec, type PresetName } from '@downscale/experiments';
import { evaluate, formatEval, type EvalFlags } from './commands/eval.js';
import { addTasks } from './commands/experiment-tasks.js';
import { experimentFits, fitCsv, requestRefit } from './commands/fit.js';
import { conversionSummary, exportCheckpoint, importHuggingFaceFolder, type ExportFlags, type ImportFlags } from './commands/hf-commands.js';
import { migrate } from './commands/migrate.js';
import { benchTrain, modelInfo, type ModelFlags } from './commands/model-commands.js';
import { cancelRunCommand } from './commands/run-cancel.js';
import { simplify, simplifySummary, type SimplifyFlags } from './commands/simplify.js';
import { status } from './commands/status.js';
import { train, trainSummary, type TrainFlags } from './commands/train.js';
import { up } from './commands/up.js';
import { readSpecFile } from './experiment/spec-file.js';
import { resolveStackOptions, type StackFlags } from './stack/options.js';

const program = new Command('downscale')
  .description('Small language models on simplified language: simplify, train, evaluate, fit scaling laws.')
  .showHelpAfterError();

const withStackFlags = (command: Command) =>
  command
    .option('--home <dir>', 'where local state lives (SQLite, NATS data, logs)', undefined)
    .option('--nats-url <url>', 'NATS server with JetStream (default $NATS_URL or nats://127.0.0.1:4222)')
    .option('--database-url <url>', 'PostgreSQL URL (default $DATABASE_URL, else the embedded SQLite)')
    .option('--ports <base>', 'services listen on base+1..base+4 (default $DOWNSCALE_PORT_BASE or 4100)');

interface UpFlags extends StackFlags {
  experiment: boolean;
  preset: string;
  spec?: string;
  corpus?: string;
  vocab?: string;
  fresh?: boolean;
  exitWhenDone?: boolean;
}

withStackFlags(program.command('up'))
  .description('start the local stack (NATS, database, the four services, the dashboard) and run an experiment on it')
  .option('--dashboard-port <port>', 'dashboard HTTP port', undefined)
  .option('--trainers <n>', 'trainer processes sharing the job queue (default: one per core, at most 4; $DOWNSCALE_TRAINERS)')
  .option('--evaluators <n>', 'evaluator processes sharing the checkpoint events (default 2, 1 on a single core)')
  .option('--topology <local|cluster>', 'cluster: the distributed topology on one machine (several trainers, 2 evaluators, PostgreSQL)', 'local')
  .option('--preset <name>', `experiment to run: ${presetNames.join(' or ')}`, 'demo')
  .option('--spec <file.json>', 'experiment to run, as a JSON experiment spec (instead of --preset)')
  .option('--corpus <path|glob>', 'corpus to simplify and train on (default: the bundled corpus)')
  .option('--vocab <file>', 'simple vocabulary (default: the bundled proxy vocabulary)')
  .option('--fresh', 'start the experiment over instead of resuming and reusing finished work')
  .option('--exit-when-done', 'stop after the summary; exit 0 only if every run completed')
  .option('--no-experiment', 'only bring the stack up')
  .action(async (flags: UpFlags) => {
    const stack = resolveStackOptions(flags);
    if (!flags.experiment) return up(stack);
    if (!presetNames.includes(flags.preset as PresetName)) throw new InvalidArgumentError(`--preset ${JSON.stringify(flags.preset)}: use one of ${presetNames.join(', ')}`);
    const base = flags.spec ? await readSpecFile(flags.spec) : presetSpec(flags.preset as PresetName);
    const spec = { ...base, corpus: { source: flags.corpus ?? base.corpus.source, vocabulary: flags.vocab ?? base.corpus.vocabulary } };
    return up(stack, { spec, fresh: flags.fresh === true, exitWhenDone: flags.exitWhenDone === true });
  });

withStackFlags(program.command('migrate'))
  .description('apply pending database migrations (or --revert the last one)')
  .option('--revert', 'revert the most recent migration')
  .option('--grant-to <role>', "PostgreSQL role the services connect as: gets row access to every table, no DDL (default $DOWNSCALE_SERVICE_ROLE)")
  .action(async (flags: StackFlags & { revert?: boolean; grantTo?: string }) => {
    const role = flags.grantTo ?? (process.env.DOWNSCALE_SERVICE_ROLE || undefined);
    process.stdout.write(`${await migrate(resolveStackOptions(flags), flags.revert === true, role)}\n`);
  });

withStackFlags(program.command('status'))
  .description('health of the running services')
  .action(async (flags: StackFlags) => {
    const report = await status(resolveStackOptions(flags).servicePortBase);
    process.stdout.write(`${report.lines.join('\n')}\n`);
    process.exitCode = report.healthy ? 0 : 1;
  });

/** A number flag, refused with the flag's name when it is not one. */
function numberFlag(name: string, { integer = false, min = -Infinity, max = Infinity } = {}) {
  return (value: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be ${integer ? 'a whole number' : 'a number'} between ${min} and ${max} (got ${JSON.stringify(value)})`);
    }
    return n;
  };
}

program
  .command('simplify')
  .description('keep the spans of a corpus written in a simple vocabulary (the paper\'s span filter): <out>/spans.jsonl and <out>/stats.json')
  .requiredOption('--input <path|glob...>', '.txt, .jsonl, .jsonl.zst or .parquet files, folders or globs')
  .option('--vocab <file|default>', 'vocabulary file (CSV, word list or JSON), or "default" for the bundled proxy', 'default')
  .requiredOption('--out <dir>', 'output folder; an interrupted run there resumes')
  .option('--min-words <n>', 'shortest span kept, in words (paper: 32)', numberFlag('--min-words', { integer: true, min: 1 }))
  .option('--max-oov <fraction>', 'largest share of out-of-vocabulary words in a span (paper: 0.01)', numberFlag('--max-oov', { min: 0, max: 1 }))
  .option('--no-sentence-start', 'let spans start mid-sentence (the paper starts them at a sentence start)')
  .option('--workers <n>', 'worker threads (default: one per core)', numberFlag('--workers', { integer: true, min: 1, max: 256 }))
  .option('--skip-bad', 'skip and count malformed records instead of stopping at the first')
  .option('--restart', 'discard an earlier run in --out made with other inputs or settings')
  .action(async (flags: SimplifyFlags) => {
    process.stdout.write(`${simplifySummary(await simplify(flags))}\n`);
  });

withStackFlags(program.command('fit'))
  .description('fit a scaling law to a CSV of points, or show an experiment\'s fits')
  .option('--input <csv>', 'CSV with columns N,D,loss (--law joint) or C,loss / N,loss / D,loss')
  .option('--law <law>', 'joint, C, N or D', 'joint')
  .option('--bootstrap <n>', 'bootstrap resamples for the intervals', numberFlag('--bootstrap', { integer: true, min: 0, max: 100_000 }), 1000)
  .option('--experiment <id>', 'show the fits the scaling service stored for this experiment')
  .option('--refit', 'with --experiment: have the scaling service refit it now, then show the fits')
  .option('--diff <versions...>', 'with --experiment: compare two versions of each law, e.g. --diff 1 2')
  .option('--json', 'print JSON')
  .action(async (flags: StackFlags & { input?: string; law: string; bootstrap: number; experiment?: string; refit?: boolean; diff?: string[]; json?: boolean }) => {
    if ((flags.input === undefined) === (flags.experiment === undefined)) throw new Error('fit needs exactly one of --input <csv> or --experiment <id>');
    if (flags.input !== undefined) {
      const result = await fitCsv(flags.input, flags.law, flags.bootstrap);
      process.stdout.write(`${JSON.stringify(result, null, flags.json ? undefined : 2)}\n`);
      return;
    }
    const diff = flags.diff?.map(Number);
    if (diff && (diff.length !== 2 || !diff.every((v) => Number.isInteger(v) && v > 0))) throw new InvalidArgumentError(`--diff ${flags.diff!.join(' ')}: give two version numbers, e.g. --diff 1 2`);
    const stack = resolveStackOptions(flags);
    if (flags.refit) process.stdout.write(`${await requestRefit(stack, flags.experiment!)}\n`);
    process.stdout.write(`${await experimentFits(stack, flags.experiment!, diff as [number, number] | undefined)}\n`);
  });

const experimentCommand = program.command('experiment').description('change a stored experiment');
withStackFlags(experimentCommand.command('add-task'))
  .description("add tasks to an experiment: the running evaluators score its existing checkpoints on them (back-fill), and every later one")
  .requiredOption('--experiment <id>', 'the experiment (its id, as the dashboard and `downscale up` show it)')
  .requiredOption('--task <spec...>', 'task specs, as in --task of eval (e.g. builtin/next-sentence, copa:copa/validation.jsonl@5)')
  .action(async (flags: StackFlags & { experiment: string; task: string[] }) => {
    process.stdout.write(`${await addTasks(resolveStackOptions(flags), flags.experiment, flags.task)}\n`);
  });

const runCommand = program.command('run').description('act on a run');
withStackFlags(runCommand.command('cancel'))
  .description('cancel a queued run (it never starts) or stop a running one at its next step (its checkpoints stay), through a running trainer')
  .requiredOption('--run <id>', 'the run (its id, as the dashboard and `downscale status` show it)')
  .option('--reason <text>', 'why, kept with the run')
  .action(async (flags: StackFlags & { run: string; reason?: string }) => {
    process.stdout.write(`${await cancelRunCommand(resolveStackOptions(flags), flags.run, flags.reason)}\n`);
  });

const withModelFlags = (command: Command) =>
  command
    .requiredOption('--hidden <h>', 'hidden size', numberFlag('--hidden', { integer: true, min: 1 }))
    .requiredOption('--layers <n>', 'transformer blocks', numberFlag('--layers', { integer: true, min: 1 }))
    .requiredOption('--vocab <v>', 'vocabulary size', numberFlag('--vocab', { integer: true, min: 1 }))
    .option('--heads <n>', 'attention heads (default 8)', numberFlag('--heads', { integer: true, min: 1 }))
    .option('--context <t>', 'context length (default 128)', numberFlag('--context', { integer: true, min: 1 }));

withModelFlags(program.command('model-info'))
  .description('parameters (total and non-embedding) and training FLOPs per token of a model')
  .option('--json', 'print JSON')
  .action((flags: ModelFlags & { json?: boolean }) => {
    process.stdout.write(`${JSON.stringify(modelInfo(flags), null, flags.json ? undefined : 2)}\n`);
  });

withModelFlags(program.command('bench-train'))
  .description('time training steps on random tokens')
  .requiredOption('--batch <b>', 'sequences per step', numberFlag('--batch', { integer: true, min: 1 }))
  .option('--steps <s>', 'timed steps (after one warm-up step)', numberFlag('--steps', { integer: true, min: 1 }), 5)
  .option('--backend <name>', 'tensorflow, webgpu, wasm or cpu (default: the fastest present)')
  .option('--threads <n>', 'data-parallel replicas sharing each step, one per thread (default 1)', numberFlag('--threads', { integer: true, min: 1 }))
  .option('--json', 'print JSON')
  .action(async (flags: ModelFlags & { batch: number; steps: number; backend?: string; threads?: number; json?: boolean }) => {
    process.stdout.write(`${JSON.stringify(await benchTrain(flags), null, flags.json ? undefined : 2)}\n`);
  });

program
  .command('train')
  .description('train one model in the foreground (no NATS or database): checkpoints in <out>/step-N/, the tokenizer in <out>')
  .requiredOption('--corpus <file|dir>', 'text (.txt, .jsonl, .jsonl.zst, .parquet files or a folder) or a prepared corpus (tokens.bin, or its folder)')
  .requiredOption('--out <dir>', 'a new folder for the checkpoints and tokenizer')
  .requiredOption('--hidden <h>', 'hidden size', numberFlag('--hidden', { integer: true, min: 1 }))
  .requiredOption('--layers <n>', 'transformer blocks', numberFlag('--layers', { integer: true, min: 1 }))
  .requiredOption('--tokens <n>', 'token budget: the run trains on this many tokens', numberFlag('--tokens', { integer: true, min: 1 }))
  .option('--heads <n>', 'attention heads (default 8)', numberFlag('--heads', { integer: true, min: 1 }))
  .option('--context <t>', 'context length (default 128)', numberFlag('--context', { integer: true, min: 1 }))
  .option('--batch <b>', 'sequences per optimizer step (default: the demo preset\'s 16)', numberFlag('--batch', { integer: true, min: 1 }))
  .option('--micro-batch <m>', 'sequences per forward pass; gradients accumulate up to --batch (default: --batch)', numberFlag('--micro-batch', { integer: true, min: 1 }))
  .option('--tokenizer <file>', 'tokenizer.json to use (default for a prepared corpus: the one beside it)')
  .option('--vocab-size <v>', 'train a BPE tokenizer of this many tokens on a text corpus', numberFlag('--vocab-size', { integer: true, min: 1 }))
  .option('--lr <rate>', 'peak learning rate (default: the demo preset\'s)', numberFlag('--lr', { min: 0 }))
  .option('--seed <n>', 'seeds the initial weights and the data order', numberFlag('--seed', { integer: true, min: 0, max: 2 ** 32 - 1 }), 1)
  .option('--backend <name>', 'tensorflow, webgpu, wasm or cpu (default: the fastest present)')
  .option('--threads <n>', 'data-parallel replicas sharing each step (default: one per core, at most 4; a resume is bit for bit with the same count)', numberFlag('--threads', { integer: true, min: 1 }))
  .option('--json', 'print the outcome as JSON')
  .action(async (flags: TrainFlags & { json?: boolean }) => {
    const report = await train(flags);
    process.stdout.write(`${flags.json ? JSON.stringify(report) : trainSummary(report)}\n`);
    if (report.status === 'stopped') process.exitCode = 130;
  });

program
  .command('export')
  .description('write a checkpoint in the Hugging Face LLaMA layout: config.json, model.safetensors, tokenizer.json')
  .requiredOption('--checkpoint <dir>', 'a checkpoint folder or file, or a run folder of step-N folders (the newest is taken)')
  .requiredOption('--out <dir>', 'the Hugging Face model folder to write')
  .option('--tokenizer <file>', 'tokenizer.json (default: the one beside the checkpoint or in its run folder)')
  .action(async (flags: ExportFlags) => {
    process.stdout.write(`${conversionSummary(await exportCheckpoint(flags), 'export')}\n`);
  });

program
  .command('import')
  .description('read a Hugging Face LLaMA folder into a checkpoint (<out>/checkpoint.safetensors) and its tokenizer.json')
  .requiredOption('--hf <dir>', 'folder with config.json (LlamaForCausalLM), model.safetensors and optionally tokenizer.json')
  .requiredOption('--out <dir>', 'the checkpoint folder to write')
  .action(async (flags: ImportFlags) => {
    process.stdout.write(`${conversionSummary(await importHuggingFaceFolder(flags), 'import')}\n`);
  });

program
  .command('eval')
  .description('score a checkpoint (or a Hugging Face export) on tasks, as the evaluator service does: harness semantics, zero-shot by default')
  .option('--checkpoint <file>', 'a training checkpoint (checkpoint.safetensors)')
  .option('--model <hf-dir>', 'an exported Hugging Face folder (config.json, model.safetensors, tokenizer.json) instead')
  .option('--tokenizer <file>', 'tokenizer.json (default: the one beside the checkpoint or in the model folder)')
  .requiredOption(
    '--task <spec...>',
    `builtin/last-word, builtin/book-cloze, builtin/next-sentence, builtin (those three), builtin/wordnet-definitions, builtin/wordnet-antonyms, builtin/wordnet (those two), <harness task>:<eval.jsonl>[,<train.jsonl>] (harness tasks: ${HARNESS_TASK_NAMES.join(', ')}) or a generic multiple-choice .jsonl; any of them followed by @k: k-shot (overrides --fewshot)`,
  )
  .option('--vocab <file|default>', 'also score each task\'s version simplified to this vocabulary')
  .option('--max-items <n>', 'score only the first n items of each task', numberFlag('--max-items', { integer: true, min: 1 }))
  .option('--fewshot <k>', 'demonstrations from the task\'s train split (minimal pairs stay zero-shot)', numberFlag('--fewshot', { integer: true, min: 0 }), 0)
  .option('--backend <name>', 'tensorflow, webgpu, wasm or cpu (default: the fastest present)')
  .option('--json', 'print one JSON object per task version and line')
  .option('--details', 'with --json: each item\'s summed log-likelihood per choice (natural log), prediction and gold')
  .action(async (flags: EvalFlags) => {
    process.stdout.write(`${formatEval(await evaluate(flags), flags)}\n`);
  });

try {
  await program.parseAsync();
} catch (error) {
  process.stderr.write(`downscale: ${(error as Error).message}\n`);
  process.exit(1);
}
