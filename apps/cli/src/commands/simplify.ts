import { simplifyCorpus, type SimplifyCorpusResult, type SimplifyProgress } from '@downscale/corpus-io';
import { resolveVocabulary, type Vocabulary } from '@downscale/simplify';
import cliProgress from 'cli-progress';

export interface SimplifyFlags {
  input: string[];
  vocab: string;
  out: string;
  minWords?: number;
  maxOov?: number;
  sentenceStart: boolean;
  workers?: number;
  skipBad?: boolean;
  restart?: boolean;
}

/** What the vocabulary report says about a user's file, so that a bad vocabulary is noticed early. */
export function describeVocabulary(vocabulary: Vocabulary): string {
  const { report } = vocabulary;
  const lines = [`vocabulary: ${report.size.toLocaleString('en-US')} words from ${report.source}`];
  if (report.duplicates.length > 0) lines.push(`  ${report.duplicates.length} duplicated after lower-casing, e.g. ${report.duplicates.slice(0, 5).join(', ')}`);
  if (report.oddEntries.length > 0) {
    const examples = report.oddEntries.slice(0, 5).map((e) => `${JSON.stringify(e.entry)} (${e.reason}, ${e.at})`);
    lines.push(`  ${report.oddEntries.length} odd entries, e.g. ${examples.join(', ')}`);
  }
  if ('label' in vocabulary) lines.push(`  ${String(vocabulary.label)}`);
  return lines.join('\n');
}

/** A progress bar on a terminal; nothing when the output is a file or a pipe. */
function progressReporter(stream: NodeJS.WriteStream): { update(p: SimplifyProgress): void; stop(): void } {
  if (!stream.isTTY) return { update: () => undefined, stop: () => undefined };
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    { stream, format: 'simplifying [{bar}] {percentage}% | {documents} documents | {mb} MB | {rate} MB/s | shard {shard}/{shards}{bad} | ETA {eta_formatted}', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(1, 0, { documents: 0, mb: '0.0', rate: '0.0', shard: 0, shards: 0, bad: '' });
  return {
    update: (p) => {
      const mb = p.bytesDone / 1e6;
      bar.setTotal(Math.max(p.bytesTotal, 1));
      bar.update(p.bytesDone, {
        documents: p.documentsRead.toLocaleString('en-US'),
        mb: mb.toFixed(1),
        rate: (mb / Math.max((Date.now() - started) / 1000, 1e-3)).toFixed(1),
        shard: p.shardsWritten + p.shardsResumed,
        shards: p.shards,
        bad: p.badRecords > 0 ? ` | ${p.badRecords} bad records skipped` : '',
      });
    },
    stop: () => bar.stop(),
  };
}

/** `downscale simplify`: the span filter over a corpus, into spans.jsonl and stats.json. */
export async function simplify(flags: SimplifyFlags): Promise<SimplifyCorpusResult> {
  const vocabulary = await resolveVocabulary(flags.vocab);
  process.stderr.write(`${describeVocabulary(vocabulary)}\n`);
  const progress = progressReporter(process.stderr);
  const abort = new AbortController();
  // Ctrl-C finishes the shards in progress, so the next run resumes after them.
  const interrupt = () => abort.abort(new Error('interrupted: finished shards are kept; run the same command again to resume'));
  process.once('SIGINT', interrupt);
  let result: SimplifyCorpusResult;
  try {
    result = await simplifyCorpus({
      inputs: flags.input,
      vocabulary,
      outDir: flags.out,
      ...(flags.minWords === undefined ? {} : { minWords: flags.minWords }),
      ...(flags.maxOov === undefined ? {} : { maxOovFraction: flags.maxOov }),
      fromSentenceStart: flags.sentenceStart,
      ...(flags.workers === undefined ? {} : { workers: flags.workers }),
      skipBad: flags.skipBad === true,
      restart: flags.restart === true,
      signal: abort.signal,
      onProgress: (p) => progress.update(p),
    });
  } finally {
    progress.stop();
    process.off('SIGINT', interrupt);
  }
  const { stats } = result;
  if (stats.spans === 0 && stats.wordsIn > 0) {
    // An empty corpus would only fail later, at tokenizer training or the first batch.
    throw new Error(
      `no span was kept: the vocabulary (${vocabulary.report.source}, ${vocabulary.report.size.toLocaleString('en-US')} words) leaves no span of enough ` +
        `in-vocabulary words in the ${stats.wordsIn.toLocaleString('en-US')} words of the input; check that it is the right vocabulary file, or lower --min-words or raise --max-oov`,
    );
  }
  return result;
}

/** What a finished run says on the terminal: where the output is and what was kept. */
export function simplifySummary(result: SimplifyCorpusResult): string {
  const s = result.stats;
  const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
  return [
    `kept ${s.wordsOut.toLocaleString('en-US')} of ${s.wordsIn.toLocaleString('en-US')} words (${percent(s.wordRetention)}) in ${s.spans.toLocaleString('en-US')} spans ` +
      `from ${s.documentsOut.toLocaleString('en-US')} of ${s.documentsIn.toLocaleString('en-US')} documents; OOV rate ${percent(s.oovRate)}`,
    `${s.shards} shards${result.shardsResumed > 0 ? ` (${result.shardsResumed} resumed from an earlier run)` : ''}` +
      `${s.badRecords.count > 0 ? `; ${s.badRecords.count} bad records skipped` : ''}`,
    `spans: ${result.spansFile ?? result.shardFiles.join(', ')}`,
    `stats: ${result.statsFile}`,
  ].join('\n');
}
