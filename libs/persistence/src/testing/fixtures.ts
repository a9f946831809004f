// Rows the tests need as parents of what they test.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { Experiment } from '../entities/experiment.js';
import { Run } from '../entities/run.js';

export async function createExperiment(dataSource: DataSource, name = 'test experiment'): Promise<Experiment> {
  return dataSource.getRepository(Experiment).save(
    dataSource.getRepository(Experiment).create({
      name,
      preset: 'demo',
      spec: {
        name,
        preset: 'demo',
        corpus: { source: 'bundled', vocabulary: 'default' },
        grid: { hiddenSizes: [64], layers: [2], variants: ['simplified'], seeds: [0] },
        tokenBudget: 1_000_000,
        contextLength: 128,
        tasks: ['blimp'],
      },
      state: 'created',
    }),
  );
}

/** A queued run; `createdAt` may be given to control the listing order. */
export async function createRun(dataSource: DataSource, experimentId: string, given: { id?: string; createdAt?: Date } = {}): Promise<Run> {
  const repository = dataSource.getRepository(Run);
  return repository.save(
    repository.create({
      id: given.id ?? `run-${randomUUID()}`,
      experimentId,
      config: { model: { hiddenSize: 64, layers: 2 } },
      hiddenSize: 64,
      layers: 2,
      paramsTotal: 5_000_000_000,
      paramsNonEmbedding: 120_000,
      variant: 'simplified',
      seed: 0,
      state: 'queued',
      ...(given.createdAt ? { createdAt: given.createdAt } : {}),
    }),
  );
}
