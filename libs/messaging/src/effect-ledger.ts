/**
 * Remembers which effects a consumer has applied, so that a redelivered message (an ack lost
 * in a crash or a reconnect) has no second effect. The persistence lib implements it with a
 * table keyed by (consumer, key) written in the same transaction as the effect.
 */
export interface EffectLedger<Tx = unknown> {
  /**
   * Runs `effect` and records `key` for `consumer` atomically, unless `key` is already
   * recorded; a failing effect records nothing, so the message can be retried.
   */
  runOnce(consumer: string, key: string, effect: (tx: Tx) => Promise<void>): Promise<'applied' | 'duplicate'>;
}
