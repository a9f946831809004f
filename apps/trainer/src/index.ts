export { TrainerModule } from './trainer.module.js';
