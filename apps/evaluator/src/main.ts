import { runServiceWithSettings } from '@downscale/service-kit';
import { evaluatorModule } from './evaluator.module.js';
import { loadEvaluatorSettings } from './settings.js';

await runServiceWithSettings('evaluator', loadEvaluatorSettings, evaluatorModule);
