import { createHash } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { ArtifactStore } from '@downscale/artifacts';
import { eventSubjects, type CheckpointSaved, type EvalCompleted, type TaskVersion } from '@downscale/contracts';
import { bundledHoldout } from '@downscale/corpus-io';
import { fitToWindow, heldOutParagraphs, heldOutTextLoss, LlamaLanguageModel, resolveTasks, scoreTask, type ResolvedTask } from '@downscale/evaluation';
import { streamNames, type EventPublisher } from '@downscale/messaging';
import { decodeCheckpoint, LlamaModel, selectBackend } from '@downscale/model';
import { Checkpoint, EvalResult, Experiment, Run, Tokenizer } from '@downscale/persistence';
import { ARTIFACT_STORE, ConsumerHost, DATA_SOURCE, EVENT_PUBLISHER, LOGGER } from '@downscale/service-kit';
import { resolveVocabulary } from '@downscale/simplify';
import { loadTokenizer } from '@downscale/tokenizer';
import type { Logger } from 'pino';
import { In, type DataSource } from 'typeorm';
import { heldOutRow, insertEvalResult, resultRow, settingsHash, toEvalCompleted } from './result-rows.js';
import type { EvaluatorSettings } from './settings.js';

export const EVALUATOR_SETTINGS = Symbol('EVALUATOR_SETTINGS');

/** The eval-loss "task": rolling log-likelihood of the held-out books' paragraphs. */
export const HELD_OUT_TASK = 'heldout/books';

const key = (task: string, version: TaskVersion) => `${task}\u0000${version}`;

/**
 * Evaluates every saved checkpoint: its experiment's tasks (the built-in ones when the
 * experiment names none), each in its original and simplified version, and eval loss on the
 * held-out books. One EvalResult row per checkpoint x task x version (a unique index), written
 * with INSERT ... ON CONFLICT DO NOTHING: a redelivered event, a restart mid-evaluation or a
 * second replica scores only what is missing and never writes a result twice. eval.completed
 * is published for every row on every delivery, keyed by the row, so JetStream drops the
 * repeats and an event lost to a crash between the insert and the publish is sent again.
 */
@Injectable()
export class CheckpointEvaluator implements OnApplicationBootstrap {
  /** Resolved tasks per experiment task list and vocabulary (building them takes a while). */
  private readonly taskCache = new Map<string, Promise<{ tasks: ResolvedTask[]; errors: string[] }>>();
  private heldOut: string[] | undefined;
  private backend: Promise<string> | undefined;

  constructor(
    private readonly consumers: ConsumerHost,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(ARTIFACT_STORE) private readonly artifacts: ArtifactStore,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(EVALUATOR_SETTINGS) private readonly settings: EvaluatorSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // Scoring holds the event loop for seconds (building tasks, forward passes), long enough to
    // time out creating a consumer after one that has started scoring: the checkpoint consumer
    // comes last, and the experiment-tasks handler, whose back-fill builds tasks too, waits for it.
    let consumersStarted = () => {};
    const started = new Promise<void>((resolve) => (consumersStarted = resolve));
    // Tasks added to an experiment while this service runs: one replica (the durable is shared) announces what is missing.
    await this.consumers.consume({
      stream: streamNames.events,
      durable: 'evaluator-experiment-tasks',
      subjects: [eventSubjects.experimentTasksChanged],
      exactlyOnce: false,
      handler: async (envelope) => {
        await started;
        const { experimentId } = envelope.payload;
        const announced = await this.backfill(experimentId);
        this.logger.info({ experimentId, tasks: envelope.payload.tasks, announced }, "experiment's tasks changed: checkpoints with missing results announced");
      },
    });
    // Effects are keyed by the unique index, so no ledger (and no transaction held for minutes).
    await this.consumers.consume({
      stream: streamNames.events,
      durable: 'evaluator-checkpoints',
      subjects: [eventSubjects.checkpointSaved],
      exactlyOnce: false,
      handler: async (envelope, context) => void (await this.evaluate(envelope.payload, AbortSignal.any([context.signal, this.consumers.shuttingDown]))),
    });
    consumersStarted();
    const announced = await this.backfill();
    if (announced > 0) this.logger.info({ announced }, 'checkpoints with missing results announced again');
  }

  /**
   * Announces again (checkpoint.saved) every checkpoint that lacks a result for one of its
   * experiment's task versions: tasks added to an experiment after it ran, or events that were
   * dead-lettered. The shared durable consumer then scores only what is missing. Each
   * announcement's id names the missing results, so replicas starting together send it once.
   * Runs at every start, once the consumer is taking events, for every experiment; and for one
   * experiment on experiment.tasksChanged, where a task that cannot be resolved fails the
   * event (retried, then dead-lettered with the reason) instead of being logged.
   */
  async backfill(experimentId?: string): Promise<number> {
    let announced = 0;
    const experiments = this.dataSource.getRepository(Experiment);
    const selected = experimentId === undefined ? await experiments.find() : await experiments.findBy({ id: experimentId });
    if (experimentId !== undefined && selected.length === 0) throw new Error(`experiment.tasksChanged names experiment ${experimentId}, which is not in the database; the sender stores it first`);
    for (const experiment of selected) {
      const resolved = await this.tasksFor(experiment).catch((error: unknown) => {
        if (experimentId !== undefined) throw error;
        this.logger.error({ experimentId: experiment.id, err: error }, "back-fill: the experiment's tasks cannot be resolved; its checkpoints are not checked");
        return undefined;
      });
      if (!resolved) continue;
      const { tasks } = resolved;
      const expected = [...tasks.filter((t) => t.task.items.length > 0).map((t) => key(t.name, t.version)), key(HELD_OUT_TASK, 'original')];
      for (const run of await this.dataSource.getRepository(Run).find({ where: { experimentId: experiment.id }, select: { id: true } })) {
        const checkpoints = await this.dataSource.getRepository(Checkpoint).find({ where: { runId: run.id } });
        if (checkpoints.length === 0) continue;
        const results = await this.dataSource.getRepository(EvalResult).find({
          where: { checkpointId: In(checkpoints.map((c) => c.id)) },
          select: { checkpointId: true, task: true, taskVersion: true },
        });
        const have = new Set(results.map((r) => `${r.checkpointId}\u0000${key(r.task, r.taskVersion)}`));
        for (const checkpoint of checkpoints) {
          const missing = expected.filter((k) => !have.has(`${checkpoint.id}\u0000${k}`));
          // The mark follows the results: set when a crash came between the last result and the mark, cleared when a task was added.
          if ((missing.length === 0) !== (checkpoint.evaluatedAt !== null)) await this.markEvaluated(checkpoint.id, missing.length === 0);
          if (missing.length === 0) continue;
          const { id: checkpointId, runId, step, tokens, uri, sha256 } = checkpoint;
          const missingHash = createHash('sha256').update(missing.join('\n')).digest('hex').slice(0, 16);
          await this.publisher.publish(eventSubjects.checkpointSaved, { checkpointId, runId, step, tokens, uri, sha256 }, { id: `checkpoint-backfill:${checkpointId}:${missingHash}` });
          announced++;
        }
      }
    }
    return announced;
  }

  /** Scores what is missing for the checkpoint and (re)publishes eval.completed for every result. */
  async evaluate(saved: CheckpointSaved, signal?: AbortSignal): Promise<EvalCompleted[]> {
    const log = this.logger.child({ checkpointId: saved.checkpointId, runId: saved.runId, step: saved.step });
    // Its time is when the checkpoint left the queue (tools/load-test.mjs measures the wait from checkpoint.saved).
    log.info('evaluation started');
    const { run, experiment } = await this.context(saved);
    const resolved = await this.tasksFor(experiment);
    const { tasks } = resolved;
    const errors = [...resolved.errors];
    const results = this.dataSource.getRepository(EvalResult);
    const done = new Set((await results.find({ where: { checkpointId: saved.checkpointId } })).map((r) => key(r.task, r.taskVersion)));
    const pending = tasks.filter((t) => t.task.items.length > 0 && !done.has(key(t.name, t.version)));
    const heldOutPending = !done.has(key(HELD_OUT_TASK, 'original'));
    if (pending.length > 0 || heldOutPending) {
      const languageModel = await this.load(saved, run, signal);
      try {
        const hash = settingsHash(this.settings);
        if (heldOutPending) {
          const loss = await heldOutTextLoss(languageModel, this.heldOutText());
          await insertEvalResult(this.dataSource, heldOutRow(saved.checkpointId, HELD_OUT_TASK, loss, hash));
          log.info({ loss: loss.loss, bitsPerByte: loss.bitsPerByte }, 'held-out loss');
        }
        for (const resolved of pending) {
          signal?.throwIfAborted();
          // Items with a continuation longer than the model's window cannot be scored by it: left out and counted.
          const { task, dropped } = fitToWindow(resolved.task, languageModel);
          if (task.items.length === 0) {
            log.warn({ task: resolved.name, version: resolved.version, dropped: dropped.length }, "every item is longer than the model's window: not scored");
            continue;
          }
          // One task that cannot be scored does not hold up the others.
          const result = await scoreTask(languageModel, task, { fewShot: { k: resolved.fewShot } }).catch((error: unknown) => {
            if (signal?.aborted) throw error;
            errors.push(`task "${resolved.name}" (${resolved.version}) could not be scored: ${(error as Error).message}`);
            return undefined;
          });
          if (!result) continue;
          await insertEvalResult(this.dataSource, resultRow(saved.checkpointId, { ...resolved, task }, result, hash, dropped.length));
          log.info({ task: resolved.name, version: resolved.version, n: result.n, acc: result.acc }, 'task evaluated');
        }
      } finally {
        languageModel.model.dispose();
      }
    }
    const rows = await results.find({ where: { checkpointId: saved.checkpointId }, order: { task: 'ASC', taskVersion: 'ASC' } });
    const events = rows.map((row) => toEvalCompleted(row, saved.runId));
    for (const event of events) {
      await this.publisher.publish(eventSubjects.evalCompleted, event, { id: `eval-completed:${event.checkpointId}:${event.task}:${event.taskVersion}` });
    }
    if (errors.length > 0) {
      // What could be scored is stored; the message is retried (and dead-lettered with this reason).
      throw new Error(`checkpoint ${saved.checkpointId} of experiment ${experiment.id}: ${errors.length} task(s) not evaluated:\n  ${errors.join('\n  ')}\nFix the experiment's tasks.`);
    }
    await this.markEvaluated(saved.checkpointId, true);
    return events;
  }

  /** Sets (or clears) the checkpoint's evaluated mark, which followers wait on. */
  private async markEvaluated(checkpointId: string, evaluated: boolean): Promise<void> {
    await this.dataSource.getRepository(Checkpoint).update({ id: checkpointId }, { evaluatedAt: evaluated ? new Date() : null });
  }

  private async context(saved: CheckpointSaved): Promise<{ run: Run; experiment: Experiment }> {
    const checkpoint = await this.dataSource.getRepository(Checkpoint).findOneBy({ id: saved.checkpointId });
    if (!checkpoint) throw new Error(`checkpoint.saved names checkpoint ${saved.checkpointId}, which is not in the database; the trainer records it before publishing`);
    const run = await this.dataSource.getRepository(Run).findOneBy({ id: saved.runId });
    if (!run) throw new Error(`checkpoint.saved names run ${saved.runId}, which is not in the database`);
    const experiment = await this.dataSource.getRepository(Experiment).findOneBy({ id: run.experimentId });
    if (!experiment) throw new Error(`run ${run.id} names experiment ${run.experimentId}, which is not in the database`);
    return { run, experiment };
  }

  private tasksFor(experiment: Experiment): Promise<{ tasks: ResolvedTask[]; errors: string[] }> {
    const specs = experiment.spec.tasks.length > 0 ? experiment.spec.tasks : ['builtin'];
    const vocabularySpec = experiment.spec.corpus.vocabulary;
    const cacheKey = JSON.stringify({ specs, vocabularySpec });
    let resolved = this.taskCache.get(cacheKey);
    if (!resolved) {
      resolved = resolveVocabulary(vocabularySpec).then((vocabulary) => resolveTasks(specs, { maxItems: this.settings.maxItems, vocabulary: vocabulary.words }));
      // A failure (e.g. a vocabulary file not there yet) is not cached: the retry tries again.
      resolved.catch(() => this.taskCache.delete(cacheKey));
      this.taskCache.set(cacheKey, resolved);
    }
    return resolved;
  }

  private heldOutText(): string[] {
    this.heldOut ??= heldOutParagraphs(bundledHoldout(), this.settings.heldOutBytes);
    return this.heldOut;
  }

  /** The checkpoint's weights (checked against the event's sha256) and its run's tokenizer. */
  private async load(saved: CheckpointSaved, run: Run, signal: AbortSignal | undefined): Promise<LlamaLanguageModel> {
    this.backend ??= selectBackend();
    await this.backend;
    const bytes = await this.artifacts.readFile(saved.uri);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== saved.sha256) {
      throw new Error(`checkpoint file ${saved.uri} has sha256 ${sha256}, not the ${saved.sha256} of checkpoint.saved: it was overwritten or damaged`);
    }
    if (!run.tokenizerId) throw new Error(`run ${run.id} has no tokenizer; its corpus was never prepared`);
    const tokenizerRow = await this.dataSource.getRepository(Tokenizer).findOneBy({ id: run.tokenizerId });
    if (!tokenizerRow) throw new Error(`run ${run.id} names tokenizer ${run.tokenizerId}, which is not in the database`);
    const tokenizer = await loadTokenizer(this.artifacts.path(tokenizerRow.uri));
    const { config, weights } = decodeCheckpoint(bytes);
    if (tokenizer.vocabSize !== config.vocabSize) {
      throw new Error(`checkpoint ${saved.checkpointId} has a vocabulary of ${config.vocabSize} tokens but its run's tokenizer ${tokenizerRow.id} has ${tokenizer.vocabSize}`);
    }
    const model = LlamaModel.fromValues(config, weights);
    return new LlamaLanguageModel(model, tokenizer, { prefixToken: tokenizer.specialTokenIds.eos, batchTokens: this.settings.batchTokens, ...(signal ? { signal } : {}) });
  }
}
