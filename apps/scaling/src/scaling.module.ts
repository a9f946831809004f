import { Module } from '@nestjs/common';
import { ExperimentRefitter } from './experiment-refitter.js';

/**
 * The scaling service: refits each experiment's loss laws as its runs complete and its
 * checkpoints are evaluated. Health, metrics, ping and the shared resources come from the kit.
 */
@Module({ providers: [ExperimentRefitter] })
export class ScalingModule {}
