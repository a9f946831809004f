import { Module } from '@nestjs/common';
import { CorpusCommands, CorpusJobs } from './corpus-jobs.js';
import { CorpusPreparer } from './corpus-preparer.js';

/**
 * The corpus service: simplified and regular corpora with their tokenizers, from the JOBS
 * work queue, new experiments and the prepare command. Health, metrics, ping and the shared
 * resources come from the service kit.
 */
@Module({ controllers: [CorpusCommands], providers: [CorpusPreparer, CorpusJobs] })
export class CorpusModule {}
