/**
 * Tasks named by a short string, as an experiment's `tasks` and `downscale eval --task` give
 * them:
 *
 * - `builtin/last-word`, `builtin/book-cloze`, `builtin/next-sentence` (or `builtin` for all
 *   three): the built-in tasks of the bundled held-out books; `builtin/wordnet-definitions`,
 *   `builtin/wordnet-antonyms` (or `builtin/wordnet` for both): the WordNet tasks
 *   (wordnet-tasks.ts). The simplified version of a built-in task is drawn from the
 *   candidates that pass the vocabulary filter (bundledSimplifiedBuiltinTasks);
 * - `<harness task>:<eval file>` or `<harness task>:<eval file>,<train file>` (e.g.
 *   `copa:data/copa/validation.jsonl`): a harness export, named by the harness task;
 * - a path ending in `.jsonl`: the generic multiple-choice format, named by the path.
 *
 * Each resolves to its original version and, given a vocabulary, its simplified version
 * (the same items filtered by the whole-example rule). `maxItems` keeps the first items of
 * each version (the built-in tasks are shuffled with their seed when made).
 *
 * Any spec may end in `@k` (e.g. `rte:dev.jsonl,train.jsonl@5`): score it k-shot, with k
 * demonstrations per item drawn from the task's train split (see few-shot.ts); such a task
 * is named `<name>@k` in results, so the zero- and few-shot versions of a task sit side by
 * side. Without `@k` a spec gets `options.fewShot` (default 0). Minimal pairs are always
 * zero-shot (as the harness's BLiMP); `@k` on one is refused, as is a version whose train
 * split has fewer than k items.
 */
import { bundledBuiltinTasks, bundledSimplifiedBuiltinTasks, bundledWordNet, buildSimplifiedWordNetTasks } from './bundled-tasks.js';
import type { BuiltinTaskOptions, BuiltinTasks } from './builtin-tasks.js';
import { HARNESS_TASK_NAMES, loadHarnessTask, type HarnessTaskName } from './harness-loaders.js';
import { loadMultipleChoiceTask } from './generic-loader.js';
import type { Task } from './tasks.js';
import { simplifyTask, type VocabularyFilterReport } from './vocabulary-filter.js';
import { buildWordNetTasks, type WordNetTasks } from './wordnet-tasks.js';

/** The built-in tasks of the held-out books: what `builtin` stands for, and what an experiment naming no tasks is scored on. */
export const BUILTIN_TASK_NAMES = ['builtin/last-word', 'builtin/book-cloze', 'builtin/next-sentence'] as const;
export type BuiltinTaskName = (typeof BUILTIN_TASK_NAMES)[number];
/** The built-in WordNet tasks (`builtin/wordnet` stands for both); named on their own, not part of `builtin`. */
export const WORDNET_TASK_NAMES = ['builtin/wordnet-definitions', 'builtin/wordnet-antonyms'] as const;

export type TaskVersionName = 'original' | 'simplified';

export interface ResolvedTask {
  /** The task's name in results: the built-in or harness name, or the file path. */
  readonly name: string;
  readonly version: TaskVersionName;
  readonly task: Task;
  /** Demonstrations per item, drawn from `task.train` (0: zero-shot). */
  readonly fewShot: number;
  /** How the vocabulary filter changed it (simplified versions). */
  readonly report?: VocabularyFilterReport;
}

export interface TaskSpecOptions {
  /** Items kept per task version (default: all). */
  readonly maxItems?: number;
  /** When given, each task is resolved in its simplified version too. */
  readonly vocabulary?: ReadonlySet<string>;
  /** Demonstrations per item for specs without `@k` (default 0); minimal pairs stay zero-shot. */
  readonly fewShot?: number;
}

export interface ResolvedTasks {
  readonly tasks: ResolvedTask[];
  /** One line per spec that could not be resolved, saying why and what is accepted. */
  readonly errors: string[];
}

const ACCEPTED = `accepted: ${BUILTIN_TASK_NAMES.join(', ')}, builtin (all three), ${WORDNET_TASK_NAMES.join(', ')}, builtin/wordnet (both), <harness task>:<eval.jsonl>[,<train.jsonl>] (harness tasks: ${HARNESS_TASK_NAMES.join(', ')}), or a generic multiple-choice .jsonl file, each optionally followed by @k for k-shot scoring`;

function cap(task: Task, maxItems: number | undefined): Task {
  return maxItems === undefined || task.items.length <= maxItems ? task : ({ ...task, items: task.items.slice(0, maxItems) } as Task);
}

/** Built-in tasks made together: their names, and their tasks in that order, original and (given a vocabulary) simplified. */
interface BuiltinFamily {
  readonly names: readonly string[];
  build(options: BuiltinTaskOptions, vocabulary: ReadonlySet<string> | undefined): { original: Task[]; simplified?: { tasks: Task[]; reports: VocabularyFilterReport[] } };
}

const bookTasks = (t: BuiltinTasks): Task[] => [t.lastWord, t.bookCloze, t.nextSentence];
const wordNetTasks = (t: WordNetTasks): Task[] => [t.definitions, t.antonyms];

const BUILTIN_FAMILIES: readonly BuiltinFamily[] = [
  {
    names: BUILTIN_TASK_NAMES,
    build: (options, vocabulary) => {
      const simplified = vocabulary && bundledSimplifiedBuiltinTasks(vocabulary, options);
      return { original: bookTasks(bundledBuiltinTasks(options)), ...(simplified ? { simplified: { tasks: bookTasks(simplified.tasks), reports: simplified.reports } } : {}) };
    },
  },
  {
    names: WORDNET_TASK_NAMES,
    build: (options, vocabulary) => {
      const wordnet = bundledWordNet();
      const simplified = vocabulary && buildSimplifiedWordNetTasks(wordnet, vocabulary, options);
      return { original: wordNetTasks(buildWordNetTasks(wordnet, options)), ...(simplified ? { simplified: { tasks: wordNetTasks(simplified.tasks), reports: simplified.reports } } : {}) };
    },
  },
];
const isBuiltin = (spec: string) => BUILTIN_FAMILIES.some((family) => family.names.includes(spec));

async function loadFileTask(spec: string): Promise<Task | undefined> {
  const harness = /^([a-z_]+):(.+)$/.exec(spec);
  if (harness && HARNESS_TASK_NAMES.includes(harness[1] as HarnessTaskName)) {
    const [evalFile, trainFile] = (harness[2] as string).split(',');
    return loadHarnessTask(harness[1] as HarnessTaskName, { evalFile: evalFile as string, ...(trainFile ? { trainFile } : {}) });
  }
  if (spec.endsWith('.jsonl')) return loadMultipleChoiceTask(spec);
  return undefined;
}

interface TaskSpec {
  readonly spec: string;
  /** Demonstrations per item; `explicit` when the spec said `@k`. */
  readonly k: number;
  readonly explicit: boolean;
}

function parseSpecs(specs: readonly string[], fewShot: number): TaskSpec[] {
  const parsed = specs.flatMap((text): TaskSpec[] => {
    const match = /^(.+)@(\d+)$/.exec(text);
    const spec = match ? (match[1] as string) : text;
    const k = match ? Number(match[2]) : fewShot;
    const names = spec === 'builtin' ? BUILTIN_TASK_NAMES : spec === 'builtin/wordnet' ? WORDNET_TASK_NAMES : [spec];
    return names.map((name) => ({ spec: name, k, explicit: match !== null }));
  });
  return [...new Map(parsed.map((entry) => [`${entry.spec}@${entry.k}`, entry])).values()];
}

/** Resolves task specs (duplicates once) into task versions, collecting what fails. */
export async function resolveTasks(specs: readonly string[], options: TaskSpecOptions = {}): Promise<ResolvedTasks> {
  const { maxItems, vocabulary, fewShot = 0 } = options;
  if (maxItems !== undefined && !(Number.isInteger(maxItems) && maxItems > 0)) {
    throw new Error(`task items: maxItems must be a positive integer, got ${maxItems}`);
  }
  if (!(Number.isInteger(fewShot) && fewShot >= 0)) throw new Error(`task specs: fewShot must be a non-negative integer, got ${fewShot}`);
  const parsed = parseSpecs(specs, fewShot);
  const tasks: ResolvedTask[] = [];
  const errors: string[] = [];
  /** Adds a task's versions, k-shot where it applies and its train split allows. */
  const add = ({ spec, k: asked, explicit }: TaskSpec, versions: readonly Omit<ResolvedTask, 'fewShot'>[]) => {
    const minimalPairs = versions.some(({ task }) => task.kind === 'minimal-pair');
    if (minimalPairs && explicit && asked > 0) {
      errors.push(`task "${spec}@${asked}": minimal pairs are scored zero-shot (a sentence pair has no demonstrations); drop the @${asked}`);
      return;
    }
    const k = minimalPairs ? 0 : asked;
    for (const version of versions) {
      const name = k > 0 ? `${version.name}@${k}` : version.name;
      const train = version.task.train?.length ?? 0;
      if (train < k) {
        errors.push(`task "${name}" (${version.version}): ${k} demonstrations asked, but its train split has ${train} items; give a train split of at least ${k} items (<task>:<eval.jsonl>,<train.jsonl>) or lower k`);
        continue;
      }
      tasks.push({ ...version, name, fewShot: k });
    }
  };
  for (const family of BUILTIN_FAMILIES) {
    const familySpecs = parsed.filter(({ spec }) => family.names.includes(spec));
    if (familySpecs.length === 0) continue;
    const { original, simplified } = family.build(maxItems === undefined ? {} : { items: maxItems }, vocabulary);
    for (const parsedSpec of familySpecs) {
      const name = parsedSpec.spec;
      const index = family.names.indexOf(name);
      const report = simplified?.reports[index];
      add(parsedSpec, [
        { name, version: 'original', task: original[index] as Task },
        ...(simplified ? [{ name, version: 'simplified' as const, task: simplified.tasks[index] as Task, ...(report ? { report } : {}) }] : []),
      ]);
    }
  }
  for (const parsedSpec of parsed.filter(({ spec }) => !isBuiltin(spec))) {
    const { spec } = parsedSpec;
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
    const filtered = vocabulary ? simplifyTask(loaded, vocabulary) : undefined;
    add(parsedSpec, [
      { name, version: 'original', task: cap(loaded, maxItems) },
      ...(filtered ? [{ name, version: 'simplified' as const, task: cap(filtered.task, maxItems), report: filtered.report }] : []),
    ]);
  }
  return { tasks, errors };
}
