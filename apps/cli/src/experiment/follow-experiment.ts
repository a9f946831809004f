import type { ExperimentSpec } from '@downscale/contracts';
import { connectNats, EventPublisher } from '@downscale/messaging';
import { openDatabase, startExperiment } from '@downscale/persistence';
import { refitNow } from '../commands/fit.js';
import type { StackOptions } from '../stack/options.js';
import { experimentFinished, experimentProgress, experimentSnapshot, statusLine, type ExperimentSnapshot } from './progress.js';
import { experimentSummary } from './summary.js';

export interface FollowOptions {
  fresh: boolean;
  /** Stop following (for a Ctrl-C or a stack failure). */
  signal: AbortSignal;
  pollMs?: number;
}

/** Plans of the grid: one run per size x layers x seed x variant. */
function plannedRuns(spec: ExperimentSpec): number {
  const g = spec.grid;
  return g.hiddenSizes.length * g.layers.length * g.seeds.length * g.variants.length;
}

/**
 * Starts (or resumes) the experiment, shows a live status line until it finishes, then prints
 * the summary. Returns the final snapshot, or undefined when stopped first.
 */
export async function runExperiment(stack: StackOptions & { natsUrl: string }, spec: ExperimentSpec, options: FollowOptions): Promise<ExperimentSnapshot | undefined> {
  const dataSource = await openDatabase({ url: stack.databaseUrl, sqlitePath: stack.sqlitePath, migrate: 'verify' });
  const nc = await connectNats({ servers: stack.natsUrl, name: 'downscale-cli' });
  const out = process.stdout;
  try {
    const { experiment, resumed } = await startExperiment(dataSource, new EventPublisher(nc, 'cli'), spec, { fresh: options.fresh });
    out.write(`${resumed ? 'resuming' : 'started'} experiment "${spec.name}" (${experiment.id}); finished work is reused\n`);
    const planned = plannedRuns(spec);
    let lastLine = '';
    let lastPrinted = 0;
    while (!options.signal.aborted) {
      const progress = await experimentProgress(dataSource, experiment.id, planned);
      const line = statusLine(progress);
      if (out.isTTY) out.write(`\r\x1b[2K${line.slice(0, (out.columns ?? 120) - 1)}`);
      else if (line !== lastLine && Date.now() - lastPrinted > 10_000) {
        out.write(`${line}\n`);
        lastPrinted = Date.now();
      }
      lastLine = line;
      if (experimentFinished(progress)) {
        if (out.isTTY) out.write('\n');
        // The last results may still be waiting for the debounced refit: fit now, so the summary has the final laws.
        out.write('refitting the scaling laws on the final results…\n');
        await refitNow(nc, experiment.id);
        const final = await experimentSnapshot(dataSource, experiment.id, planned);
        out.write(`${experimentSummary(final)}\n`);
        return final;
      }
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 2_000));
    }
    return undefined;
  } finally {
    await nc.close();
    await dataSource.destroy();
  }
}
