import { runService } from '@downscale/service-kit';
import { corpusModule } from './corpus.module.js';
import { loadCorpusSettings, type CorpusSettings } from './settings.js';

let settings: CorpusSettings;
try {
  settings = loadCorpusSettings();
} catch (error) {
  process.stderr.write(`corpus service failed to start: ${(error as Error).message}\n`);
  process.exit(1);
}
await runService({ service: 'corpus', feature: corpusModule(settings) });
