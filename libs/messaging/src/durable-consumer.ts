import { decodeEnvelope, type DurableSubject, type Envelope } from '@downscale/contracts';
import { jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JsMsg } from '@nats-io/jetstream';
import type { NatsConnection, Subscription } from '@nats-io/nats-core';
import { backoffFor, ensureDurableConsumer, resolveDeliverySettings, type DeliverySettings } from './consumer-settings.js';
import { publishDeadLetter } from './dead-letters.js';
import type { EffectLedger } from './effect-ledger.js';
import { watchMaxDeliveries } from './max-deliveries-watch.js';

/** The envelope of one of the subjects S, as a union a handler can switch on by `subject`. */
export type EnvelopeOf<S extends DurableSubject> = S extends DurableSubject ? Envelope<S> : never;

export interface MessageContext<Tx = unknown> {
  /** The envelope id: the same on every delivery and re-publish of the message; key effects by it. */
  idempotencyKey: string;
  /** 1 on the first delivery. */
  deliveryCount: number;
  streamSequence: number;
  /** The ledger's transaction, when the consumer has a ledger: write the effect through it. */
  tx: Tx | undefined;
  /** Aborted when stop() stops waiting for this handler; the message is then redelivered. */
  signal: AbortSignal;
}

/** Does the work for one message; throwing means "retry later". */
export type MessageHandler<S extends DurableSubject, Tx = unknown> = (envelope: EnvelopeOf<S>, context: MessageContext<Tx>) => Promise<void>;

/** Where a consumer reports retries and dead letters (Nest's Logger fits). */
export interface ConsumerLogger {
  warn(message: string): void;
  error(message: string): void;
}

export interface DurableConsumerOptions<S extends DurableSubject, Tx = unknown> extends Partial<DeliverySettings> {
  /** A stream from `streamNames`. */
  stream: string;
  /** The durable name: workers sharing it share the work; also the ledger's consumer name. */
  durable: string;
  subjects: readonly [S, ...S[]];
  handler: MessageHandler<S, Tx>;
  /** When given, each handler runs inside `ledger.runOnce`, so a redelivered message has no second effect. */
  ledger?: EffectLedger<Tx>;
  logger?: ConsumerLogger;
}

export interface ConsumerCounts {
  /** Handled and acked (with a ledger: the effect was applied). */
  processed: number;
  /** Acked without running the handler: the ledger had applied it already. */
  duplicates: number;
  /** Handler failures handed back for a later retry. */
  retried: number;
  /** Sent to the dead-letter subject: invalid, failed on every delivery, or never acked. */
  deadLettered: number;
  /** Deliveries that were not the first of their message. */
  redelivered: number;
}

export interface DurableConsumerHandle {
  readonly durable: string;
  counts(): ConsumerCounts;
  /**
   * Stops pulling and waits for the running handler; if it takes longer than `timeoutMs`
   * (default 30 s), aborts its signal and hands its message back for immediate redelivery.
   */
  stop(options?: { timeoutMs?: number }): Promise<void>;
  /** Resolves when consuming has ended: with undefined after stop(), with the error if it failed. */
  readonly closed: Promise<Error | undefined>;
}

/**
 * Starts a durable pull consumer that hands each valid message to `handler` and acks it once
 * the handler succeeds. Invalid messages and messages that fail `maxDeliver` times go to the
 * dead-letter subject; failures before that are retried after `backoffMs`. Messages are taken
 * one at a time, so workers sharing the durable of a work-queue stream share the work.
 * Consuming survives NATS reconnects; unacked messages are redelivered after `ackWaitMs`.
 */
export async function startDurableConsumer<S extends DurableSubject, Tx = unknown>(
  nc: NatsConnection,
  options: DurableConsumerOptions<S, Tx>,
): Promise<DurableConsumerHandle> {
  const settings = resolveDeliverySettings(options);
  const jsm = await jetstreamManager(nc);
  await ensureDurableConsumer(jsm, options.stream, options.durable, options.subjects, settings);
  const js = jetstream(nc);
  const consumer = await js.consumers.get(options.stream, options.durable);
  // One message per pull, and the next pull only once it is done: a busy worker never holds
  // messages it is not working on (their ack_wait would run out while they wait).
  const messages = await consumer.consume({ max_messages: 1 });
  const advisories = watchMaxDeliveries(nc, js, jsm, {
    stream: options.stream,
    durable: options.durable,
    onDeadLettered: () => run.countDeadLetter(),
    onError: (message) => run.logger.error(message),
  });
  const run = new DurableConsumerRun(js, options, settings, messages, advisories);
  return run;
}

interface InFlight {
  msg: JsMsg;
  done: Promise<void>;
  abort: AbortController;
}

class DurableConsumerRun<S extends DurableSubject, Tx> implements DurableConsumerHandle {
  readonly durable: string;
  readonly logger: ConsumerLogger;
  readonly closed: Promise<Error | undefined>;
  private readonly tally: ConsumerCounts = { processed: 0, duplicates: 0, retried: 0, deadLettered: 0, redelivered: 0 };
  private inFlight: InFlight | undefined;
  private stopping = false;

  constructor(
    private readonly js: JetStreamClient,
    private readonly options: DurableConsumerOptions<S, Tx>,
    private readonly settings: DeliverySettings,
    private readonly messages: ConsumerMessages,
    advisories: Subscription,
  ) {
    this.durable = options.durable;
    this.logger = options.logger ?? console;
    this.closed = this.consumeAll().finally(() => advisories.unsubscribe());
    void this.reportLostConsumer();
  }

  counts(): ConsumerCounts {
    return { ...this.tally };
  }

  countDeadLetter(): void {
    this.tally.deadLettered++;
  }

  async stop({ timeoutMs = 30_000 }: { timeoutMs?: number } = {}): Promise<void> {
    this.stopping = true;
    this.messages.stop(); // no more pulls; the running handler's message can still be acked
    const inFlight = this.inFlight;
    if (inFlight && !(await settlesWithin(inFlight.done, timeoutMs))) {
      inFlight.abort.abort();
      this.logger.warn(`${this.durable}: handler still running after ${timeoutMs} ms at stop; its message goes back for redelivery`);
      try {
        inFlight.msg.nak();
      } catch {
        // The connection is closed: the server redelivers the message after ack_wait anyway.
      }
      return;
    }
    await this.closed;
  }

  private async consumeAll(): Promise<Error | undefined> {
    try {
      for await (const msg of this.messages) {
        if (this.stopping) {
          msg.nak(); // arrived as stop() was called: let another consumer have it now
          break;
        }
        const abort = new AbortController();
        const done = this.process(msg, abort.signal).catch((error: Error) =>
          this.logger.error(`${this.durable}: could not settle ${msg.subject} #${msg.info.streamSequence}: ${error.message}`),
        );
        this.inFlight = { msg, done, abort };
        await done;
        this.inFlight = undefined;
        // Leave before the iterator sends its next pull, which would take a message we would not handle.
        if (this.stopping) break;
      }
      return undefined;
    } catch (error) {
      this.logger.error(`${this.durable}: consuming stopped: ${(error as Error).message}`);
      return error as Error;
    }
  }

  /** consume() recovers from reconnects by itself, but not from its consumer being deleted: say so. */
  private async reportLostConsumer(): Promise<void> {
    for await (const status of this.messages.status()) {
      if (status.type === 'consumer_not_found' || status.type === 'consumer_deleted' || status.type === 'stream_not_found') {
        this.logger.error(`${this.durable}: ${status.type.replaceAll('_', ' ')} on stream ${this.options.stream}: restart the service to recreate it`);
      }
    }
  }

  private async process(msg: JsMsg, signal: AbortSignal): Promise<void> {
    if (msg.info.deliveryCount > 1) this.tally.redelivered++;
    // The consumer filters on exactly the subjects S, so every message's subject is one of them.
    const decoded = decodeEnvelope(msg.subject as S, msg.data);
    if (!decoded.ok) return this.deadLetter(msg, decoded.reason);
    let outcome: 'processed' | 'duplicates';
    try {
      outcome = await this.runHandler(decoded.envelope as EnvelopeOf<S>, msg, signal);
    } catch (error) {
      if (!signal.aborted) await this.retryOrDeadLetter(msg, error);
      return;
    }
    if (signal.aborted) return; // stop() gave up waiting and handed the message back already
    this.tally[outcome]++;
    try {
      await msg.ackAck();
    } catch (error) {
      this.logger.warn(
        `${this.durable}: the ack of ${msg.subject} #${msg.info.streamSequence} was not confirmed (${(error as Error).message}); ` +
          `it may be redelivered${this.options.ledger ? ', and the ledger will skip it' : ''}`,
      );
    }
  }

  private async runHandler(envelope: EnvelopeOf<S>, msg: JsMsg, signal: AbortSignal): Promise<'processed' | 'duplicates'> {
    const context = { idempotencyKey: envelope.id, deliveryCount: msg.info.deliveryCount, streamSequence: msg.info.streamSequence, signal };
    // Progress signals restart the server's ack_wait clock, so long work is not redelivered.
    const keepAlive = setInterval(() => {
      try {
        msg.working();
      } catch {
        // The connection is closed: the message will be redelivered whatever we do.
      }
    }, this.settings.ackWaitMs / 3);
    // Once stop() has handed the message back, a handler that runs on must not keep claiming it.
    signal.addEventListener('abort', () => clearInterval(keepAlive));
    try {
      const { ledger, handler, durable } = this.options;
      if (!ledger) {
        await handler(envelope, { ...context, tx: undefined });
        return 'processed';
      }
      const result = await ledger.runOnce(durable, envelope.id, (tx) => handler(envelope, { ...context, tx }));
      return result === 'applied' ? 'processed' : 'duplicates';
    } finally {
      clearInterval(keepAlive);
    }
  }

  private async retryOrDeadLetter(msg: JsMsg, error: unknown): Promise<void> {
    const deliveries = msg.info.deliveryCount;
    const message = error instanceof Error ? error.message : String(error);
    if (deliveries >= this.settings.maxDeliver) {
      return this.deadLetter(msg, `handler failed on each of ${deliveries} deliveries; last error: ${message}`);
    }
    const delayMs = backoffFor(this.settings.backoffMs, deliveries);
    this.logger.warn(
      `${this.durable}: handler failed on ${msg.subject} #${msg.info.streamSequence} ` +
        `(delivery ${deliveries} of ${this.settings.maxDeliver}); retrying in ${delayMs} ms: ${message}`,
    );
    msg.nak(delayMs);
    this.tally.retried++;
  }

  /** Stores the message and the reason on the dead-letter subject, then tells the server to stop delivering it. */
  private async deadLetter(msg: JsMsg, reason: string): Promise<void> {
    try {
      await publishDeadLetter(this.js, {
        stream: msg.info.stream,
        streamSequence: msg.info.streamSequence,
        originalSubject: msg.subject,
        consumer: this.durable,
        reason,
        deliveries: msg.info.deliveryCount,
        data: msg.data,
      });
    } catch (error) {
      const delayMs = backoffFor(this.settings.backoffMs, msg.info.deliveryCount);
      this.logger.error(
        `${this.durable}: could not dead-letter ${msg.subject} #${msg.info.streamSequence} (${(error as Error).message}); ` +
          `trying again in ${delayMs} ms. Reason it was refused: ${reason}`,
      );
      msg.nak(delayMs);
      return;
    }
    // No reason with the term: servers before 2.11 ignore a "+TERM <reason>" altogether and
    // redeliver the message; the reason is in the dead letter.
    msg.term();
    this.tally.deadLettered++;
    this.logger.warn(`${this.durable}: dead-lettered ${msg.subject} #${msg.info.streamSequence}: ${reason}`);
  }
}

/** Whether `promise` settles within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([promise.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
