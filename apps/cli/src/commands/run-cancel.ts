import { cancelRun } from '@downscale/contracts';
import { connectNats, requestRunCancel } from '@downscale/messaging';
import { openDatabase, Run } from '@downscale/persistence';
import type { StackOptions } from '../stack/options.js';

/**
 * `downscale run cancel --run <id>`: cancels a queued run (it never starts) or stops a running
 * one at its next step (its checkpoints stay), through a running trainer service, which
 * answers (@downscale/messaging's requestRunCancel). The run is looked up first, so that a
 * typo or a finished run is said as such rather than as a trainer's silence.
 */
export async function cancelRunCommand(options: StackOptions, runId: string, reason: string | undefined): Promise<string> {
  const command = cancelRun.parse({ runId, reason: reason ?? 'cancelled with downscale run cancel' });
  const dataSource = await openDatabase({ url: options.databaseUrl, sqlitePath: options.sqlitePath, migrate: 'verify' });
  let state: string | undefined;
  try {
    state = (await dataSource.getRepository(Run).findOneBy({ id: runId }))?.state;
  } finally {
    await dataSource.destroy();
  }
  if (state === undefined) throw new Error(`there is no run ${runId} in this database; \`downscale status\` lists the runs`);
  if (state !== 'queued' && state !== 'running') throw new Error(`run ${runId} is ${state}: only a queued or running run can be cancelled`);
  const nc = await connectNats({ servers: options.natsUrl.split(','), name: 'downscale-cli', reconnect: false });
  try {
    const { outcome } = await requestRunCancel(nc, command);
    return outcome === 'cancelled' ? `run ${runId} cancelled: it was queued and will not start` : `run ${runId} is stopping at its next step; it keeps its checkpoints and is marked cancelled`;
  } finally {
    await nc.close();
  }
}
