// Creating an experiment from the dashboard: the preset's spec under the form's fields,
// validated by the contract and by planning its runs, then stored and announced by
// @downscale/persistence's startExperiment (the code `downscale up` uses) through NATS.
// Server only: the libraries are loaded by Node at run time, never bundled (see database.ts).
import type { ExperimentSpec } from '@downscale/contracts';
import type * as Experiments from '@downscale/experiments';
import type * as Messaging from '@downscale/messaging';
import type * as Persistence from '@downscale/persistence';
import { getDatabase } from './database';
import { specFromValues, type ExperimentFormValues, type FieldErrors } from './experiment-form';
import { natsServers } from './live';

const experiments = (): Promise<typeof Experiments> => import(/* webpackIgnore: true */ /* turbopackIgnore: true */ '@downscale/experiments');
const messaging = (): Promise<typeof Messaging> => import(/* webpackIgnore: true */ /* turbopackIgnore: true */ '@downscale/messaging');
const persistence = (): Promise<typeof Persistence> => import(/* webpackIgnore: true */ /* turbopackIgnore: true */ '@downscale/persistence');

export const presets = ['demo', 'paper'] as const;
export type Preset = (typeof presets)[number];

export function isPreset(value: unknown): value is Preset {
  return presets.includes(value as Preset);
}

/** A preset's spec, to fill the form and to supply what it does not show. */
export async function presetSpec(preset: Preset): Promise<ExperimentSpec> {
  return (await experiments()).presetSpec(preset);
}

export type CreateOutcome = { ok: true; experimentId: string; resumed: boolean } | { ok: false; errors: FieldErrors };

/** Validates the form, then stores the experiment and publishes experiment.created. Errors are by field path (`` for the form). */
export async function createExperiment(values: ExperimentFormValues): Promise<CreateOutcome> {
  if (!isPreset(values.preset)) return { ok: false, errors: { preset: [`choose one of ${presets.join(', ')}`] } };
  const checked = specFromValues(values, await presetSpec(values.preset));
  if (!checked.ok) return checked;
  const spec = checked.spec;
  // Planning the runs checks what the schema cannot (e.g. heads per hidden size), as `downscale up --spec` does.
  try {
    const { planRuns } = await experiments();
    for (const variant of spec.grid.variants) planRuns('check', spec, variant, spec.tokenizerVocabSize);
  } catch (error) {
    return { ok: false, errors: { grid: [(error as Error).message] } };
  }
  let dataSource: Awaited<ReturnType<typeof getDatabase>>;
  try {
    dataSource = await getDatabase();
  } catch (error) {
    return { ok: false, errors: { '': [`the database cannot be used: ${(error as Error).message}`] } };
  }
  const { connectNats, EventPublisher } = await messaging();
  let nc: Awaited<ReturnType<typeof connectNats>>;
  try {
    nc = await connectNats({ servers: natsServers(), name: 'dashboard-writer', reconnect: false, timeoutMs: 3_000 });
  } catch (error) {
    return { ok: false, errors: { '': [`NATS is unreachable, so the experiment was not created (nothing stored): ${(error as Error).message}. Start the stack with npm start.`] } };
  }
  try {
    const { startExperiment } = await persistence();
    const { experiment, resumed } = await startExperiment(dataSource, new EventPublisher(nc, 'dashboard'), spec);
    return { ok: true, experimentId: experiment.id, resumed };
  } catch (error) {
    return { ok: false, errors: { '': [`${(error as Error).message}. If the experiment was stored but not announced, submitting the same form again announces it.`] } };
  } finally {
    await nc.close().catch(() => undefined);
  }
}
