import { runService } from '@downscale/service-kit';
import { EvaluatorModule } from './evaluator.module.js';

await runService({ service: 'evaluator', feature: EvaluatorModule });
