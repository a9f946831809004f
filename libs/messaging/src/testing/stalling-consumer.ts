/**
 * A consumer process for crash tests: it announces each message it starts on stdout
 * (`started <id> <deliveryCount>`) and never finishes it, so the test can kill it mid-message.
 * Usage: node stalling-consumer.js '<json: { url, durable, ackWaitMs, maxDeliver }>'
 */
import { eventSubjects } from '@downscale/contracts';
import { connectNats } from '../nats-connection.js';
import { startDurableConsumer } from '../durable-consumer.js';
import { streamNames } from '../streams.js';

interface StallingConsumerArgs {
  url: string;
  durable: string;
  ackWaitMs: number;
  maxDeliver: number;
}

const args = JSON.parse(process.argv[2] ?? '') as StallingConsumerArgs;
const nc = await connectNats({ servers: args.url, name: 'stalling-consumer' });
await startDurableConsumer(nc, {
  stream: streamNames.events,
  durable: args.durable,
  subjects: [eventSubjects.checkpointSaved],
  ackWaitMs: args.ackWaitMs,
  maxDeliver: args.maxDeliver,
  handler: (envelope, context) => {
    process.stdout.write(`started ${envelope.id} ${context.deliveryCount}\n`);
    return new Promise<void>(() => {});
  },
});
process.stdout.write('ready\n');
