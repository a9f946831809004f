import { Module } from '@nestjs/common';
import { ExperimentRefitter } from './experiment-refitter.js';

/**
 * The scaling service: refits each experiment's loss laws (against parameters, tokens,
 * compute, and jointly N and D) as its runs complete, its checkpoints are evaluated, or a
 * refit is requested. Health, metrics, ping and the shared resources come from the kit.
 */
@Module({ providers: [ExperimentRefitter] })
export class ScalingModule {}
