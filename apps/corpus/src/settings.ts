import { availableParallelism } from 'node:os';
import { DEFAULT_SHARD_BYTES } from '@downscale/corpus-io';
import { parseServiceSettings } from '@downscale/service-kit';
import { z } from 'zod';

/** The corpus service's own settings, read from the environment. */
export interface CorpusSettings {
  /** Filter threads of this replica, each taking shard jobs from the work queue. */
  readonly shardWorkers: number;
  /** Input bytes per shard of a simplified corpus (whole files; part of a build's identity). */
  readonly shardBytes: number;
}

export const defaultCorpusSettings: CorpusSettings = { shardWorkers: availableParallelism(), shardBytes: DEFAULT_SHARD_BYTES };

const environment = z.object({
  CORPUS_SHARD_WORKERS: z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(1, 'must be at least 1').max(256, 'must be at most 256').default(defaultCorpusSettings.shardWorkers),
  CORPUS_SHARD_BYTES: z.coerce.number({ error: 'must be a number' }).int('must be a whole number of bytes').min(1, 'must be at least 1').default(defaultCorpusSettings.shardBytes),
});

/** Reads the settings, naming every bad variable at once. */
export function loadCorpusSettings(env: NodeJS.ProcessEnv = process.env): CorpusSettings {
  const settings = parseServiceSettings('corpus settings', environment, env);
  return { shardWorkers: settings.CORPUS_SHARD_WORKERS, shardBytes: settings.CORPUS_SHARD_BYTES };
}
