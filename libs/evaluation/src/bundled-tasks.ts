/** The built-in tasks made from the bundled corpus's held-out children's books, original and simplified. */
import { bundledHoldout } from '@downscale/corpus-io';
import { buildBuiltinTasks, type BuiltinTaskOptions, type BuiltinTasks } from './builtin-tasks.js';
import { simplifyTask, type SimplifiedTask, type VocabularyFilterOptions } from './vocabulary-filter.js';
import type { Task } from './tasks.js';

export function bundledBuiltinTasks(options: BuiltinTaskOptions = {}): BuiltinTasks {
  return buildBuiltinTasks(bundledHoldout(), options);
}

export interface TaskVersions {
  readonly original: Task;
  readonly simplified: SimplifiedTask;
}

/** Each task in its original and vocabulary-simplified version. */
export function taskVersions(tasks: readonly Task[], vocabulary: ReadonlySet<string>, options: VocabularyFilterOptions = {}): TaskVersions[] {
  return tasks.map((task) => ({ original: task, simplified: simplifyTask(task, vocabulary, options) }));
}
