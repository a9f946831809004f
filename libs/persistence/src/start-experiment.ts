import { randomUUID } from 'node:crypto';
import { eventSubjects, type ExperimentCreated, type ExperimentSpec } from '@downscale/contracts';
import type { DataSource } from 'typeorm';
import { Experiment } from './entities/index.js';

/**
 * What announces an experiment: @downscale/messaging's EventPublisher fits. Only its shape is
 * needed here, so that persistence stays free of NATS (and the dashboard, which loads both at
 * run time, shares this code with the CLI).
 */
export interface ExperimentAnnouncer {
  publish(subject: typeof eventSubjects.experimentCreated, payload: ExperimentCreated, meta: { id: string }): Promise<unknown>;
}

/** Key order fixed, so that equal specs compare equal however they were written. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Whether `stored` is the experiment `spec` asks for: the same spec, or one whose task list has
 * grown since it was started (addExperimentTasks appends tasks; no tasks stands for `builtin`).
 */
function sameExperiment(stored: ExperimentSpec, spec: ExperimentSpec): boolean {
  if (canonical({ ...stored, tasks: [] }) !== canonical({ ...spec, tasks: [] })) return false;
  const storedTasks = stored.tasks.length > 0 ? stored.tasks : ['builtin'];
  return (spec.tasks.length > 0 ? spec.tasks : ['builtin']).every((task) => storedTasks.includes(task));
}

/**
 * Starts an experiment, or resumes the latest one with the same spec (unless `fresh`; tasks
 * added to it since count as the same spec, and the resumed experiment keeps them): its
 * finished work (content-hashed corpora and tokenizers, completed runs) is reused because
 * every step downstream is idempotent. Publishing experiment.created again is what resumes it.
 * The row is stored before the event is published: if publishing fails, starting the same
 * spec again finds the row and announces it.
 */
export async function startExperiment(
  dataSource: DataSource,
  publisher: ExperimentAnnouncer,
  spec: ExperimentSpec,
  { fresh = false } = {},
): Promise<{ experiment: Experiment; resumed: boolean }> {
  const experiments = dataSource.getRepository(Experiment);
  const same = fresh
    ? undefined
    : (await experiments.find({ where: { name: spec.name }, order: { createdAt: 'DESC' } })).find((e) => sameExperiment(e.spec, spec));
  const experiment = same ?? (await experiments.save(experiments.create({ id: randomUUID(), name: spec.name, preset: spec.preset, spec, state: 'created' })));
  await publisher.publish(
    eventSubjects.experimentCreated,
    { experimentId: experiment.id, spec: experiment.spec, createdAt: experiment.createdAt.toISOString() },
    // A resume is a new announcement: a fresh id gets past JetStream's duplicate window.
    { id: `experiment:${experiment.id}:${Date.now()}` },
  );
  return { experiment, resumed: same !== undefined };
}
