import { runService } from '@downscale/service-kit';
import { CorpusModule } from './corpus.module.js';

await runService({ service: 'corpus', feature: CorpusModule });
