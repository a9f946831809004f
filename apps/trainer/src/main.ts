import { runServiceWithSettings } from '@downscale/service-kit';
import { loadTrainerSettings } from './settings.js';
import { trainerModule } from './trainer.module.js';

await runServiceWithSettings('trainer', loadTrainerSettings, trainerModule);
