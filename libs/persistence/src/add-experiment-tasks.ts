import { createHash } from 'node:crypto';
import { eventSubjects, type ExperimentTasksChanged } from '@downscale/contracts';
import type { DataSource } from 'typeorm';
import { isPostgres } from './data-source.js';
import { Experiment } from './entities/index.js';
import { runInTransaction } from './transactions.js';

/** What announces the change: @downscale/messaging's EventPublisher fits (persistence stays free of NATS). */
export interface TasksChangedAnnouncer {
  publish(subject: typeof eventSubjects.experimentTasksChanged, payload: ExperimentTasksChanged, meta: { id: string }): Promise<unknown>;
}

/**
 * Adds task specs to a stored experiment and announces its new task list
 * (experiment.tasksChanged), on which evaluators back-fill the existing checkpoints. Specs it
 * already lists are not added twice. The row is updated before the event is published: if
 * publishing fails, adding the same tasks again changes nothing and announces it. The event's
 * id names the task list, so a repeat is dropped by JetStream and back-filling is idempotent
 * anyway (results are keyed by checkpoint, task and version).
 *
 * An experiment that names no tasks is scored on the built-in ones; adding tasks to it keeps
 * them (`builtin` is listed first), so that adding never takes a task away.
 */
export async function addExperimentTasks(
  dataSource: DataSource,
  announcer: TasksChangedAnnouncer,
  experimentId: string,
  specs: readonly string[],
): Promise<{ tasks: string[]; added: string[] }> {
  if (specs.length === 0 || specs.some((spec) => spec.trim() === '')) throw new Error(`experiment ${experimentId}: give one or more task specs to add (got ${JSON.stringify(specs)})`);
  const { tasks, added } = await runInTransaction(dataSource, async (manager) => {
    const experiments = manager.getRepository(Experiment);
    // Two additions at once must not lose one: the row is locked where the database can (SQLite writes one at a time).
    const experiment = await experiments.findOne({ where: { id: experimentId }, ...(isPostgres(dataSource) ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
    if (!experiment) throw new Error(`no experiment ${experimentId} in the database: list experiments in the dashboard or check --database-url`);
    const current = experiment.spec.tasks.length > 0 ? experiment.spec.tasks : ['builtin'];
    const added = [...new Set(specs)].filter((spec) => !current.includes(spec));
    const tasks = [...current, ...added];
    if (added.length > 0) await experiments.update({ id: experimentId }, { spec: { ...experiment.spec, tasks } });
    return { tasks, added };
  });
  const listHash = createHash('sha256').update(tasks.join('\n')).digest('hex').slice(0, 16);
  await announcer.publish(eventSubjects.experimentTasksChanged, { experimentId, tasks }, { id: `experiment-tasks:${experimentId}:${listHash}` });
  return { tasks, added };
}
