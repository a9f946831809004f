import { runService } from '@downscale/service-kit';
import { evaluatorModule } from './evaluator.module.js';
import { loadEvaluatorSettings } from './settings.js';

let settings;
try {
  settings = loadEvaluatorSettings();
} catch (error) {
  process.stderr.write(`evaluator service failed to start: ${(error as Error).message}\n`);
  process.exit(1);
}
await runService({ service: 'evaluator', feature: evaluatorModule(settings) });
