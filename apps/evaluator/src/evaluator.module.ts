import { Module } from '@nestjs/common';

/**
 * The evaluator service's own controllers and consumers. Health, metrics, ping and the shared
 * NATS and database resources come from the service kit.
 */
@Module({})
export class EvaluatorModule {}
