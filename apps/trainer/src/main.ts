import { runService } from '@downscale/service-kit';
import { TrainerModule } from './trainer.module.js';

await runService({ service: 'trainer', feature: TrainerModule });
