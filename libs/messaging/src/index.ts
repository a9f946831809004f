export { connectNats, type ConnectNatsOptions } from './nats-connection.js';
export { natsCredentialsFromEnv, type NatsCredentials } from './nats-credentials.js';
export { ensureStreams, streamNames, DUPLICATE_WINDOW_MS, type EnsureStreamsOptions, type StreamName } from './streams.js';
export { EventPublisher, type PublishMeta } from './event-publisher.js';
export { CANCEL_ANSWER_MS, requestRunCancel } from './run-cancel.js';
export type { PubAck } from '@nats-io/jetstream';
export type { EffectLedger } from './effect-ledger.js';
export { defaultDeliverySettings, type DeliverySettings } from './consumer-settings.js';
export {
  startDurableConsumer,
  type ConsumerCounts,
  type ConsumerLogger,
  type DurableConsumerHandle,
  type DurableConsumerOptions,
  type EnvelopeOf,
  type MessageContext,
  type MessageHandler,
} from './durable-consumer.js';
export { startNatsServer, type NatsServerProcess, type StartNatsServerOptions } from './testing/nats-server.js';
