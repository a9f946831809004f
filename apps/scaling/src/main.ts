import { runService } from '@downscale/service-kit';
import { ScalingModule } from './scaling.module.js';

await runService({ service: 'scaling', feature: ScalingModule });
