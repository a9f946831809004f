import { Module, type Type } from '@nestjs/common';
import { CorpusCommands, CorpusJobs } from './corpus-jobs.js';
import { CorpusPreparer } from './corpus-preparer.js';
import { CORPUS_SETTINGS, CorpusShards } from './corpus-shards.js';
import { defaultCorpusSettings, type CorpusSettings } from './settings.js';

/**
 * The corpus service, with its settings: simplified and regular corpora with their
 * tokenizers, from the JOBS work queue, new experiments and the prepare command; the shards
 * of simplified corpora, from the same queue, shared by every replica. Health, metrics, ping
 * and the shared resources come from the service kit.
 */
export function corpusModule(settings: CorpusSettings): Type<unknown> {
  @Module({ controllers: [CorpusCommands], providers: [{ provide: CORPUS_SETTINGS, useValue: settings }, CorpusShards, CorpusPreparer, CorpusJobs] })
  class CorpusModule {}
  return CorpusModule;
}

/** The corpus service with its default settings. */
export const CorpusModule = corpusModule(defaultCorpusSettings);
