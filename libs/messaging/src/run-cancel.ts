/**
 * The cancel command as a request (the contract's cancelRun): the trainer that acts on it
 * answers, stopping a running run or marking a queued one cancelled; the others stay silent,
 * so no answer means that no trainer could act (none is up, or the run is over).
 */
import { cancelRun, cancelRunReply, controlSubjects, type CancelRun, type CancelRunReply } from '@downscale/contracts';
import type { NatsConnection } from '@nats-io/nats-core';

/** How long a trainer has to answer, by default. */
export const CANCEL_ANSWER_MS = 5_000;

/** Sends the cancel command for `command.runId` and returns the answering trainer's reply; throws, saying why, when none answers. */
export async function requestRunCancel(nc: NatsConnection, command: CancelRun, timeoutMs = CANCEL_ANSWER_MS): Promise<CancelRunReply> {
  const payload = cancelRun.parse(command);
  let reply;
  try {
    reply = await nc.request(controlSubjects.cancelRun, JSON.stringify(payload), { timeout: timeoutMs });
  } catch (error) {
    throw new Error(
      `no trainer answered within ${timeoutMs / 1000} s (${(error as Error).message}), so run ${payload.runId} is not cancelled: ` +
        'only a running trainer service can cancel a run; check that one is up, then try again',
    );
  }
  const answer = cancelRunReply.safeParse(reply.json());
  if (!answer.success || answer.data.runId !== payload.runId) throw new Error(`a trainer answered the cancel of run ${payload.runId} with something unexpected: ${reply.string().slice(0, 200)}`);
  return answer.data;
}
