export { CorpusModule } from './corpus.module.js';
