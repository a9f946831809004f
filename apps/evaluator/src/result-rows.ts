/** EvalResult rows from scoring results, and eval.completed from rows. */
import { createHash, randomUUID } from 'node:crypto';
import type { EvalCompleted } from '@downscale/contracts';
import type { EvaluationResult, HeldOutLoss, ResolvedTask } from '@downscale/evaluation';
import { EvalResult } from '@downscale/persistence';
import type { DataSource, QueryDeepPartialEntity } from 'typeorm';
import type { EvaluatorSettings } from './settings.js';

/** What an insert needs: plain objects skip the entity's hooks, so id and createdAt are set here. */
export type EvalRow = Pick<EvalResult, 'id' | 'createdAt' | 'checkpointId' | 'task' | 'taskVersion' | 'n' | 'acc' | 'accNorm' | 'stderr' | 'loss' | 'chance' | 'majority' | 'details'>;

const sha256 = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

/** The settings that change results (not the batch size): stored with each result. A task's few-shot k is in its name and task hash. */
export function settingsHash(settings: EvaluatorSettings): string {
  return sha256({ scoring: 'lm-evaluation-harness/loglikelihood', fewShot: 0, maxItems: settings.maxItems, heldOutBytes: settings.heldOutBytes });
}

const finiteOrNull = (value: number | undefined) => (value !== undefined && Number.isFinite(value) ? value : null);

/** `tooLong`: items left out because a continuation is longer than the model's window. */
export function resultRow(checkpointId: string, resolved: ResolvedTask, result: EvaluationResult, settings: string, tooLong = 0): EvalRow {
  const kindDetails =
    result.kind === 'multiple-choice'
      ? { accNormStderr: finiteOrNull(result.accNormStderr), ties: result.ties, tiesNorm: result.tiesNorm }
      : result.kind === 'minimal-pair'
        ? { ties: result.ties }
        : { perplexity: finiteOrNull(result.perplexity) };
  return {
    id: randomUUID(),
    createdAt: new Date(),
    checkpointId,
    task: resolved.name,
    taskVersion: resolved.version,
    n: result.n,
    acc: result.acc,
    accNorm: result.kind === 'multiple-choice' ? result.accNorm : null,
    stderr: finiteOrNull(result.accStderr),
    loss: null,
    chance: result.chance,
    majority: finiteOrNull(result.majority),
    details: {
      kind: result.kind,
      accBootstrap: result.accBootstrap,
      ...kindDetails,
      ...(tooLong > 0 ? { tooLong } : {}),
      ...(resolved.report ? { filter: { total: resolved.report.total, kept: resolved.report.kept, dropped: resolved.report.dropped } } : {}),
      // A zero-shot task keeps the hash it had before few-shot specs existed.
      taskHash: sha256({ items: resolved.task.items, format: resolved.task.format, ...(resolved.fewShot > 0 ? { fewShot: resolved.fewShot, train: resolved.task.train } : {}) }),
      settingsHash: settings,
    },
  };
}

export function heldOutRow(checkpointId: string, task: string, loss: HeldOutLoss, settings: string): EvalRow {
  return {
    id: randomUUID(),
    createdAt: new Date(),
    checkpointId,
    task,
    taskVersion: 'original',
    n: loss.tokens,
    acc: null,
    accNorm: null,
    stderr: null,
    loss: loss.loss,
    chance: null,
    majority: null,
    details: {
      kind: 'held-out-loss',
      perplexity: loss.perplexity,
      bitsPerByte: loss.bitsPerByte,
      tokens: loss.tokens,
      bytes: loss.bytes,
      documents: loss.documents,
      settingsHash: settings,
    },
  };
}

export function toEvalCompleted(row: EvalResult, runId: string): EvalCompleted {
  const bitsPerByte = row.details?.['bitsPerByte'];
  return {
    checkpointId: row.checkpointId,
    runId,
    task: row.task,
    taskVersion: row.taskVersion,
    n: row.n,
    ...(row.acc === null ? {} : { acc: row.acc }),
    ...(row.accNorm === null ? {} : { accNorm: row.accNorm }),
    ...(row.stderr === null ? {} : { stderr: row.stderr }),
    ...(row.chance === null ? {} : { chance: row.chance }),
    ...(row.majority === null ? {} : { majority: row.majority }),
    ...(row.loss === null ? {} : { loss: row.loss }),
    ...(typeof bitsPerByte === 'number' ? { bitsPerByte } : {}),
  };
}

/** Inserts unless the checkpoint x task x version row exists (another delivery or replica wrote it). */
export async function insertEvalResult(dataSource: DataSource, row: EvalRow): Promise<void> {
  await dataSource
    .createQueryBuilder()
    .insert()
    .into(EvalResult)
    // details is free-form JSON, which TypeORM's deep-partial type cannot express.
    .values(row as QueryDeepPartialEntity<EvalResult>)
    // ON CONFLICT DO NOTHING (PostgreSQL) / INSERT OR IGNORE (SQLite) on the unique index.
    .orIgnore()
    .updateEntity(false)
    .callListeners(false)
    .execute();
}
