import { resolveTasks } from '@downscale/evaluation';
import { connectNats, EventPublisher } from '@downscale/messaging';
import { addExperimentTasks, openDatabase } from '@downscale/persistence';
import type { StackOptions } from '../stack/options.js';

/**
 * `downscale experiment add-task --experiment <id> --task <spec...>`: adds tasks to a stored
 * experiment; the running evaluators score its existing checkpoints on them
 * (experiment.tasksChanged) and every later checkpoint is scored on them too. The specs are
 * resolved here first, so that a typo or a missing file is refused before anything is stored
 * (task files must be at the same paths on the evaluators' machines).
 */
export async function addTasks(options: StackOptions, experimentId: string, specs: string[]): Promise<string> {
  const { errors } = await resolveTasks(specs, { maxItems: 1 });
  if (errors.length > 0) throw new Error(`nothing added to experiment ${experimentId}; fix these task specs:\n  ${errors.join('\n  ')}`);
  const dataSource = await openDatabase({ url: options.databaseUrl, sqlitePath: options.sqlitePath, migrate: 'verify' });
  try {
    const nc = await connectNats({ servers: options.natsUrl.split(','), name: 'downscale-cli', reconnect: false });
    try {
      const { tasks, added } = await addExperimentTasks(dataSource, new EventPublisher(nc, 'cli'), experimentId, specs);
      const what = added.length > 0 ? `added ${added.join(', ')}` : 'no new task (each was listed already)';
      return `experiment ${experimentId}: ${what}; its tasks: ${tasks.join(', ')}. Running evaluators score its existing checkpoints on the task versions they lack.`;
    } finally {
      await nc.close();
    }
  } finally {
    await dataSource.destroy();
  }
}
