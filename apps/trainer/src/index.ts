export { TrainerModule, trainerModule } from './trainer.module.js';
export { defaultTrainerSettings, loadTrainerSettings, type TrainerSettings } from './settings.js';
