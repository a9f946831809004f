import { Module } from '@nestjs/common';
import { RunPlanner } from './run-planner.js';
import { TrainingWorker } from './training-worker.js';

/**
 * The trainer service: plans an experiment's runs when its corpora are ready and trains them
 * from the JOBS work queue. Health, metrics, ping and the shared resources come from the kit.
 */
@Module({ providers: [RunPlanner, TrainingWorker] })
export class TrainerModule {}
