import { Module, type Type } from '@nestjs/common';
import { RunPlanner } from './run-planner.js';
import { defaultTrainerSettings, type TrainerSettings } from './settings.js';
import { TRAINER_SETTINGS, TrainingWorker } from './training-worker.js';

/**
 * The trainer service, with its settings: plans an experiment's runs when its corpora are
 * ready and trains them from the JOBS work queue. Health, metrics, ping and the shared
 * resources come from the kit.
 */
export function trainerModule(settings: TrainerSettings): Type<unknown> {
  @Module({ providers: [{ provide: TRAINER_SETTINGS, useValue: settings }, RunPlanner, TrainingWorker] })
  class TrainerModule {}
  return TrainerModule;
}

/** The trainer with its default settings. */
export const TrainerModule = trainerModule(defaultTrainerSettings);
