import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fitToWindow, LlamaLanguageModel, resolveTasks, scoreTask, type EvaluationResult, type ResolvedTask } from '@downscale/evaluation';
import { decodeCheckpoint, LlamaModel, readHuggingFaceDir, selectBackend } from '@downscale/model';
import { resolveVocabulary } from '@downscale/simplify';
import { loadTokenizer } from '@downscale/tokenizer';

export interface EvalFlags {
  checkpoint?: string;
  model?: string;
  tokenizer?: string;
  task: string[];
  vocab?: string;
  maxItems?: number;
  fewshot: number;
  backend?: string;
  json?: boolean;
  details?: boolean;
}

export interface EvalReport {
  task: string;
  version: string;
  result: EvaluationResult;
}

/** The tokenizer file: --tokenizer, else tokenizer.json beside the checkpoint or in the model folder. */
function tokenizerPath(flags: EvalFlags): string {
  if (flags.tokenizer) return flags.tokenizer;
  const beside = join(flags.model ?? dirname(flags.checkpoint!), 'tokenizer.json');
  if (existsSync(beside)) return beside;
  throw new Error(`no tokenizer.json at ${beside}; pass --tokenizer <file> (a run's tokenizer is its corpus's tokenizer.json in the artifact store)`);
}

async function loadModel(flags: EvalFlags): Promise<LlamaModel> {
  if (flags.model) return readHuggingFaceDir(flags.model);
  const { config, weights } = decodeCheckpoint(new Uint8Array(await readFile(flags.checkpoint!)));
  return LlamaModel.fromValues(config, weights);
}

/** `downscale eval`: scores a checkpoint or a Hugging Face export on tasks, as the evaluator service does. */
export async function evaluate(flags: EvalFlags): Promise<EvalReport[]> {
  if ((flags.checkpoint === undefined) === (flags.model === undefined)) throw new Error('eval needs exactly one of --checkpoint <file> or --model <hf-dir>');
  const vocabulary = flags.vocab ? (await resolveVocabulary(flags.vocab)).words : undefined;
  const { tasks, errors } = await resolveTasks(flags.task, { ...(flags.maxItems ? { maxItems: flags.maxItems } : {}), ...(vocabulary ? { vocabulary } : {}), fewShot: flags.fewshot });
  if (errors.length > 0) throw new Error(errors.join('\n'));
  await selectBackend(flags.backend);
  const tokenizer = await loadTokenizer(tokenizerPath(flags));
  const model = await loadModel(flags);
  try {
    if (tokenizer.vocabSize !== model.config.vocabSize) {
      throw new Error(`the model has a vocabulary of ${model.config.vocabSize} tokens but the tokenizer has ${tokenizer.vocabSize}; pass the tokenizer the model was trained with`);
    }
    const languageModel = new LlamaLanguageModel(model, tokenizer, { prefixToken: tokenizer.specialTokenIds.eos });
    const reports: EvalReport[] = [];
    for (const resolved of tasks.filter((t: ResolvedTask) => t.task.items.length > 0)) {
      const { task, dropped } = fitToWindow(resolved.task, languageModel);
      if (dropped.length > 0) {
        process.stderr.write(`${resolved.name} (${resolved.version}): ${dropped.length} item(s) left out, a continuation is longer than the model's ${model.maxInputLength} tokens: ${dropped.slice(0, 5).join(', ')}${dropped.length > 5 ? ', ...' : ''}\n`);
      }
      if (task.items.length === 0) continue;
      const result = await scoreTask(languageModel, task, { fewShot: { k: resolved.fewShot } });
      reports.push({ task: resolved.name, version: resolved.version, result });
    }
    return reports;
  } finally {
    model.dispose();
  }
}

/** Per item: each choice's summed natural-log likelihood, the prediction and the answer. */
function itemDetails(result: EvaluationResult): object[] {
  switch (result.kind) {
    case 'multiple-choice':
      return result.items.map(({ id, logliks, pred, gold }) => ({ id, logliks, pred, gold }));
    case 'minimal-pair':
      return result.items.map(({ id, good, bad }) => ({ id, logliks: [good, bad], pred: good > bad ? 0 : 1, gold: 0 }));
    case 'cloze':
      return result.items.map(({ id, logprob, isGreedy }) => ({ id, logliks: [logprob], greedy: isGreedy }));
  }
}

const fixed = (value: number | null, digits = 4) => (value === null || !Number.isFinite(value) ? '–' : value.toFixed(digits));

/**
 * `--json`: one JSON object per task version and line, `{"task", "version", "acc",
 * "acc_norm", "n", "stderr", "chance", "majority"}` (+ `perplexity` for cloze, + `items` with
 * --details); otherwise a table.
 */
export function formatEval(reports: readonly EvalReport[], options: { json?: boolean; details?: boolean }): string {
  if (options.json) {
    return reports
      .map(({ task, version, result }) =>
        JSON.stringify({
          task,
          version,
          acc: result.acc,
          acc_norm: result.kind === 'multiple-choice' ? result.accNorm : null,
          n: result.n,
          stderr: result.accStderr,
          chance: result.chance,
          majority: result.majority,
          ...(result.kind === 'cloze' ? { perplexity: result.perplexity } : {}),
          ...(options.details ? { items: itemDetails(result) } : {}),
        }),
      )
      .join('\n');
  }
  const header = `${'task'.padEnd(28)}${'version'.padEnd(12)}${'n'.padStart(6)}${'acc'.padStart(9)}${'± stderr'.padStart(10)}${'acc_norm'.padStart(10)}${'chance'.padStart(8)}${'majority'.padStart(10)}`;
  const lines = reports.map(({ task, version, result }) =>
    [
      task.padEnd(28),
      version.padEnd(12),
      String(result.n).padStart(6),
      fixed(result.acc).padStart(9),
      fixed(result.accStderr).padStart(10),
      fixed(result.kind === 'multiple-choice' ? result.accNorm : null).padStart(10),
      fixed(result.chance, 3).padStart(8),
      fixed(result.majority, 3).padStart(10),
    ].join(''),
  );
  return [header, ...lines].join('\n');
}
