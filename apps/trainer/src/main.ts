import { runService } from '@downscale/service-kit';
import { loadTrainerSettings, type TrainerSettings } from './settings.js';
import { trainerModule } from './trainer.module.js';

let settings: TrainerSettings;
try {
  settings = loadTrainerSettings();
} catch (error) {
  process.stderr.write(`trainer service failed to start: ${(error as Error).message}\n`);
  process.exit(1);
}
await runService({ service: 'trainer', feature: trainerModule(settings) });
