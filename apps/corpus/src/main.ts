import { runServiceWithSettings } from '@downscale/service-kit';
import { corpusModule } from './corpus.module.js';
import { loadCorpusSettings } from './settings.js';

await runServiceWithSettings('corpus', loadCorpusSettings, corpusModule);
