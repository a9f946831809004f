/**
 * Tasks named by a short string, as an experiment's `tasks` and `downscale eval --task` give
 * them:
 *
 * - `builtin/last-word`, `builtin/book-cloze`, `builtin/next-sentence` (or `builtin` for all
 *   three): the built-in tasks of the bundled held-out books; their simplified version is
 *   drawn from the candidates that pass the vocabulary filter (bundledSimplifiedBuiltinTasks);
 * - `<harness task>:<eval file>` or `<harness task>:<eval file>,<train file>` (e.g.
 *   `copa:data/copa/validation.jsonl`): a harness export, named by the harness task;
 * - a path ending in `.jsonl`: the generic multiple-choice format, named by the path.
 *
 * Each resolves to its original version and, given a vocabulary, its simplified version
 * (the same items filtered by the whole-example rule). `maxItems` keeps the first items of
 * each version (the built-in tasks are shuffled with their seed when made).
 */
import { bundledBuiltinTasks, bundledSimplifiedBuiltinTasks } from './bundled-tasks.js';
import type { BuiltinTasks } from './builtin-tasks.js';
import { HARNESS_TASK_NAMES, loadHarnessTask, type HarnessTaskName } from './harness-loaders.js';
import { loadMultipleChoiceTask } from './generic-loader.js';
import type { Task } from './tasks.js';
import { simplifyTask, type VocabularyFilterReport } from './vocabulary-filter.js';

export const BUILTIN_TASK_NAMES = ['builtin/last-word', 'builtin/book-cloze', 'builtin/next-sentence'] as const;
export type BuiltinTaskName = (typeof BUILTIN_TASK_NAMES)[number];

export type TaskVersionName = 'original' | 'simplified';

export interface ResolvedTask {
  /** The task's name in results: the built-in or harness name, or the file path. */
  readonly name: string;
  readonly version: TaskVersionName;
  readonly task: Task;
  /** How the vocabulary filter changed it (simplified versions). */
  readonly report?: VocabularyFilterReport;
}

export interface TaskSpecOptions {
  /** Items kept per task version (default: all). */
  readonly maxItems?: number;
  /** When given, each task is resolved in its simplified version too. */
  readonly vocabulary?: ReadonlySet<string>;
}

export interface ResolvedTasks {
  readonly tasks: ResolvedTask[];
  /** One line per spec that could not be resolved, saying why and what is accepted. */
  readonly errors: string[];
}

const ACCEPTED = `accepted: ${BUILTIN_TASK_NAMES.join(', ')}, builtin (all three), <harness task>:<eval.jsonl>[,<train.jsonl>] (harness tasks: ${HARNESS_TASK_NAMES.join(', ')}), or a generic multiple-choice .jsonl file`;

function cap(task: Task, maxItems: number | undefined): Task {
  return maxItems === undefined || task.items.length <= maxItems ? task : ({ ...task, items: task.items.slice(0, maxItems) } as Task);
}

function builtinTask(tasks: BuiltinTasks, name: BuiltinTaskName): Task {
  switch (name) {
    case 'builtin/last-word':
      return tasks.lastWord;
    case 'builtin/book-cloze':
      return tasks.bookCloze;
    case 'builtin/next-sentence':
      return tasks.nextSentence;
  }
}

async function loadFileTask(spec: string): Promise<Task | undefined> {
  const harness = /^([a-z_]+):(.+)$/.exec(spec);
  if (harness && HARNESS_TASK_NAMES.includes(harness[1] as HarnessTaskName)) {
    const [evalFile, trainFile] = (harness[2] as string).split(',');
    return loadHarnessTask(harness[1] as HarnessTaskName, { evalFile: evalFile as string, ...(trainFile ? { trainFile } : {}) });
  }
  if (spec.endsWith('.jsonl')) return loadMultipleChoiceTask(spec);
  return undefined;
}

/** Resolves task specs (duplicates once) into task versions, collecting what fails. */
export async function resolveTasks(specs: readonly string[], options: TaskSpecOptions = {}): Promise<ResolvedTasks> {
  const { maxItems, vocabulary } = options;
  if (maxItems !== undefined && !(Number.isInteger(maxItems) && maxItems > 0)) {
    throw new Error(`task items: maxItems must be a positive integer, got ${maxItems}`);
  }
  const names = [...new Set(specs.flatMap((spec) => (spec === 'builtin' ? [...BUILTIN_TASK_NAMES] : [spec])))];
  const tasks: ResolvedTask[] = [];
  const errors: string[] = [];
  const builtinNames = names.filter((name): name is BuiltinTaskName => (BUILTIN_TASK_NAMES as readonly string[]).includes(name));
  if (builtinNames.length > 0) {
    const items = { ...(maxItems === undefined ? {} : { items: maxItems }) };
    const original = bundledBuiltinTasks(items);
    const simplified = vocabulary ? bundledSimplifiedBuiltinTasks(vocabulary, items) : undefined;
    for (const name of builtinNames) {
      tasks.push({ name, version: 'original', task: builtinTask(original, name) });
      if (simplified) {
        const index = BUILTIN_TASK_NAMES.indexOf(name);
        const report = simplified.reports[index];
        tasks.push({ name, version: 'simplified', task: builtinTask(simplified.tasks, name), ...(report ? { report } : {}) });
      }
    }
  }
  for (const spec of names.filter((name) => !(BUILTIN_TASK_NAMES as readonly string[]).includes(name))) {
    const loaded = await loadFileTask(spec).catch((error: unknown) => {
      errors.push(`task "${spec}": ${(error as Error).message}`);
      return null;
    });
    if (loaded === null) continue;
    if (loaded === undefined) {
      errors.push(`task "${spec}" is not a task name or task file; ${ACCEPTED}`);
      continue;
    }
    const name = loaded.name;
    tasks.push({ name, version: 'original', task: cap(loaded, maxItems) });
    if (vocabulary) {
      const { task, report } = simplifyTask(loaded, vocabulary);
      tasks.push({ name, version: 'simplified', task: cap(task, maxItems), report });
    }
  }
  return { tasks, errors };
}
