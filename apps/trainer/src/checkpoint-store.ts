import { createHash } from 'node:crypto';
import type { ArtifactStore } from '@downscale/artifacts';
import { Checkpoint } from '@downscale/persistence';
import type { DataSource } from 'typeorm';
import type { Logger } from 'pino';

export const CHECKPOINT_FILE = 'checkpoint.safetensors';

export const checkpointKey = (runId: string, step: number) => `checkpoints/${runId}/step-${String(step).padStart(9, '0')}/${CHECKPOINT_FILE}`;

/**
 * A run's checkpoints in the artifact store, each recorded with its sha256: a file that no
 * longer matches (truncated, overwritten, bit rot) is never resumed from.
 */
export class CheckpointStore {
  constructor(
    private readonly dataSource: DataSource,
    private readonly artifacts: ArtifactStore,
    private readonly logger: Logger,
  ) {}

  /** Writes the file atomically, then its row (one per run and step); a failed write records nothing. */
  async save(runId: string, step: number, tokens: number, bytes: Uint8Array): Promise<Checkpoint> {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const key = checkpointKey(runId, step);
    const uri = await this.artifacts.putFile(key, bytes).catch((error: Error) => {
      throw new Error(
        `could not write the checkpoint of run ${runId} at step ${step} to ${this.artifacts.path(key)}: ${error.message}; ` +
          'nothing was recorded and the run resumes from its previous checkpoint once the artifact store (ARTIFACT_ROOT) is writable and has room',
        { cause: error },
      );
    });
    const repository = this.dataSource.getRepository(Checkpoint);
    const known = await repository.findOneBy({ runId, step });
    if (known) {
      await repository.update({ id: known.id }, { uri, sha256, tokens });
      return Object.assign(known, { uri, sha256, tokens });
    }
    return repository.save(repository.create({ runId, step, tokens, uri, sha256 }));
  }

  /** The newest checkpoint whose file matches its checksum; corrupt ones are reported and skipped. */
  async latestIntact(runId: string): Promise<{ checkpoint: Checkpoint; bytes: Uint8Array } | undefined> {
    const checkpoints = await this.dataSource.getRepository(Checkpoint).find({ where: { runId }, order: { step: 'DESC' } });
    for (const checkpoint of checkpoints) {
      const bytes = await this.artifacts.readFile(checkpoint.uri).catch(() => undefined);
      const sha256 = bytes && createHash('sha256').update(bytes).digest('hex');
      if (bytes && sha256 === checkpoint.sha256) return { checkpoint, bytes };
      this.logger.error({ runId, step: checkpoint.step, uri: checkpoint.uri }, 'checkpoint is missing or does not match its checksum: falling back to the previous one');
    }
    return undefined;
  }
}
