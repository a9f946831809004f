import type { Metadata } from 'next';
import Link from 'next/link';
import { loadCorpora, type CorpusRow } from '../../lib/database';
import { rankFrequency, readCorpusStats, type CorpusStatsView, type SpanSampleView } from '../../lib/corpus-stats';
import { formatCount, formatDate, formatInteger } from '../../lib/format';
import type { SearchParams } from '../../lib/runs-view';
import { Chart, palette } from '../chart';
import { experimentView } from '../experiment-view';
import { Empty, ErrorBox, ExperimentPicker } from '../components';
import styles from './corpus.module.css';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Corpus' };

const percent = (value: number | null, digits = 1) => (value === null ? '—' : `${(value * 100).toFixed(digits)}%`);

function Figures({ stats }: { stats: CorpusStatsView }) {
  const rows: [string, string, string?][] = [
    ['Documents', `${formatInteger(stats.documentsOut)} of ${formatInteger(stats.documentsIn)}`, `document retention ${percent(stats.documentRetention)}`],
    ['Words', `${formatInteger(stats.wordsOut)} of ${formatInteger(stats.wordsIn)}`, `word retention ${percent(stats.wordRetention)}`],
  ];
  if (stats.spans !== null) rows.push(['Spans', formatInteger(stats.spans), `mean ${stats.meanSpanWords?.toFixed(1) ?? '—'} words, longest ${formatInteger(stats.maxSpanWords)}`]);
  if (stats.oovRate !== null) rows.push(['OOV rate', percent(stats.oovRate, 2), `${formatInteger(stats.oovWordsOut)} out-of-vocabulary words kept inside spans`]);
  if (stats.types !== null) {
    rows.push(['Word types', formatInteger(stats.types), `type/token ratio ${stats.typeTokenRatio?.toFixed(4) ?? '—'}${stats.wordCountsExact === false ? ' (counter pruned: approximate)' : ''}`]);
  }
  if (stats.zipfCoefficient !== null) rows.push(['Zipf slope', stats.zipfCoefficient.toFixed(3), 'least-squares slope of log frequency against log rank (about −1 for natural language)']);
  if (stats.budget) rows.push(['Budget', `${formatInteger(stats.budget.used)} of ${formatInteger(stats.budget.limit)} ${stats.budget.unit ?? ''}`, stats.budget.reached === false ? 'the inputs hold less than the budget' : 'capped to the simplified corpus']);
  if (stats.tokens !== null) rows.push(['Tokens', formatInteger(stats.tokens), stats.tokenizerVocabSize === null ? '' : `BPE tokenizer of ${formatInteger(stats.tokenizerVocabSize)} tokens`]);
  if (stats.filter) {
    rows.push([
      'Span filter',
      `≥ ${formatInteger(stats.filter.minWords)} words, ≤ ${percent(stats.filter.maxOovFraction)} OOV`,
      stats.filter.fromSentenceStart ? 'spans start at a sentence start' : 'spans may start mid-sentence',
    ]);
  }
  return (
    <table className="data compact-table" data-testid="corpus-figures">
      <tbody>
        {rows.map(([name, value, note]) => (
          <tr key={name}>
            <th scope="row">{name}</th>
            <td className="num" data-figure={name}>
              {value}
            </td>
            <td className="muted small">{note}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function SpanLengths({ stats }: { stats: CorpusStatsView }) {
  const bins = stats.spanLengthBins.filter((b) => b.spans > 0);
  if (bins.length === 0) return null;
  const most = Math.max(...bins.map((b) => b.spans));
  const total = bins.reduce((sum, b) => sum + b.spans, 0);
  return (
    <>
      <h3>Span lengths</h3>
      <table className="data" data-testid="span-lengths">
        <thead>
          <tr>
            <th>Words per span</th>
            <th className="num">Spans</th>
            <th className="num">Share</th>
            <th>
              <span className="visually-hidden">Bar</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {bins.map((b) => (
            <tr key={b.minWords}>
              <td>{b.minWords === b.maxWords ? b.minWords : `${b.minWords}–${b.maxWords}`}</td>
              <td className="num">{formatInteger(b.spans)}</td>
              <td className="num">{percent(b.spans / total)}</td>
              <td className="bar-cell" aria-hidden="true">
                <span className="bar" style={{ width: `${(100 * b.spans) / most}%` }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function OovWords({ stats, corpus }: { stats: CorpusStatsView; corpus: CorpusRow }) {
  if (stats.topOovWords.length === 0) return null;
  return (
    <>
      <h3>Top OOV words</h3>
      <p className="muted small">
        The most frequent words outside the vocabulary that the filter met (inside kept spans and where they ended a span), lower-cased
        {stats.oovCountsExact === false ? '; the counter was pruned, so counts are lower bounds' : ''}.
      </p>
      <div className="two-columns">
        <ol className="oov-words" data-testid="oov-words">
          {stats.topOovWords.slice(0, 30).map((w) => (
            <li key={w.word}>
              <mark className="oov">{w.word}</mark> <span className="muted small">{formatInteger(w.count)}</span>
            </li>
          ))}
        </ol>
        <Chart
          title={`Rank against frequency of the top OOV words, ${corpus.variant} corpus`}
          testId={`oov-ranks-${corpus.id}`}
          size="compact"
          series={[{ id: 'oov', label: `top ${stats.topOovWords.length} OOV words`, color: palette[2]!, mode: 'both', points: rankFrequency(stats.topOovWords) }]}
          xLabel="rank"
          yLabel="occurrences"
          logX
          logY
        />
      </div>
    </>
  );
}

/** Rank against frequency of the most frequent output words, with Zipf's law (slope −1) through the first for comparison. */
function ZipfPlot({ stats, corpus }: { stats: CorpusStatsView; corpus: CorpusRow }) {
  const words = stats.topWords;
  return (
    <>
      <h3>Zipf plot</h3>
      {words === null ? (
        <Empty>
          {corpus.variant === 'simplified'
            ? 'No word counts were stored with this corpus (it was built before they were): rebuild the corpus to see its Zipf plot.'
            : 'The regular corpus is cut to a word budget without counting its words by type, so it has no word counts to plot.'}
        </Empty>
      ) : words.length === 0 ? (
        <Empty>The corpus has no words: the span filter kept no span.</Empty>
      ) : (
        <>
          <p className="muted small">
            The {formatInteger(words.length)} most frequent words of the corpus (lower-cased), each at its rank by frequency; Zipf&apos;s law is a straight line of slope
            −1 on these log-log axes
            {stats.zipfCoefficient === null ? '' : ` (the slope fitted on all the words is ${stats.zipfCoefficient.toFixed(2)})`}
            {stats.wordCountsExact === false ? '. The word counter was pruned, so counts are lower bounds' : ''}.
          </p>
          <div className="two-columns">
            <ol className={styles.topWords} data-testid="top-words">
              {words.slice(0, 30).map((w) => (
                <li key={w.word}>
                  {w.word} <span className="muted small">{formatInteger(w.count)}</span>
                </li>
              ))}
            </ol>
            <Chart
              title={`Rank against frequency of the ${words.length} most frequent words, ${corpus.variant} corpus`}
              testId={`zipf-${corpus.id}`}
              size="compact"
              series={[
                { id: 'words', label: `top ${words.length} words`, color: palette[0]!, points: rankFrequency(words) },
                {
                  id: 'zipf-law',
                  label: 'slope −1 (Zipf’s law) through the most frequent word',
                  color: palette[9]!,
                  dash: '6 4',
                  points: [
                    { x: 1, y: words[0]!.count },
                    { x: words.length, y: words[0]!.count / words.length },
                  ],
                },
              ]}
              xLabel="rank (1 = most frequent word)"
              yLabel="occurrences (words)"
              logX
              logY
            />
          </div>
        </>
      )}
    </>
  );
}

function SpanSample({ sample }: { sample: SpanSampleView }) {
  return (
    <li data-doc={sample.doc}>
      <p className={styles.spanText}>
        {sample.parts.map((part, i) => (part.oov ? <mark key={i} className="oov">{part.text}</mark> : <span key={i}>{part.text}</span>))}
        {sample.truncated ? ' …' : null}
        {sample.endingOovWord !== null && (
          <>
            {' '}
            <span className={styles.spanEnd} data-testid="span-end">
              <span className={styles.spanEndLabel}>span ended here:</span> <del className={styles.endingOov}>{sample.endingOovWord}</del>
            </span>
          </>
        )}
      </p>
      <p className="muted small">
        document <span className="mono">{sample.doc}</span>, {formatInteger(sample.words)} words
        {sample.truncated ? ' (the stored text is the first 2,000 bytes)' : ''}; {sample.endingOovWord === null ? 'the document ended here' : 'ended by an out-of-vocabulary word'}
      </p>
    </li>
  );
}

function SpanSamples({ stats, corpus }: { stats: CorpusStatsView; corpus: CorpusRow }) {
  // The regular corpus keeps whole documents: there are no spans to sample.
  if (corpus.variant !== 'simplified') return null;
  const samples = stats.spanSamples;
  return (
    <>
      <h3>Sample of spans</h3>
      {samples === null ? (
        <Empty>No span samples were stored with this corpus (it was built before they were): rebuild the corpus to see samples.</Empty>
      ) : samples.length === 0 ? (
        <Empty>The span filter kept no span, so there is nothing to sample: check the vocabulary and the filter settings above.</Empty>
      ) : (
        <>
          <p className="muted small" id={`span-legend-${corpus.id}`} data-testid="span-legend">
            {formatInteger(samples.length)} spans picked by a hash of their document and position (the same sample on every rebuild), in corpus order.{' '}
            <mark className="oov">Highlighted</mark>: an out-of-vocabulary word the span kept. After <span className={styles.spanEndLabel}>span ended here:</span>{' '}
            <del className={styles.endingOov}>struck</del>, the out-of-vocabulary word that ended the span; the filter dropped it.
          </p>
          <ol className={styles.samples} data-testid="span-samples" aria-describedby={`span-legend-${corpus.id}`}>
            {samples.map((sample, i) => (
              <SpanSample key={i} sample={sample} />
            ))}
          </ol>
        </>
      )}
    </>
  );
}

function CorpusSection({ corpus }: { corpus: CorpusRow }) {
  const stats = readCorpusStats(corpus.stats);
  const spansFile = corpus.variant === 'simplified' ? 'text/spans.jsonl' : 'text/documents.jsonl';
  return (
    <section className="corpus" data-corpus-id={corpus.id} data-variant={corpus.variant}>
      <h2>
        {corpus.variant} corpus <span className="muted small mono">{corpus.contentHash.slice(0, 12)}</span>
      </h2>
      <p className="muted small">
        From <span className="mono">{corpus.source}</span>
        {corpus.vocabulary ? (
          <>
            {' '}
            with the vocabulary <span className="mono">{corpus.vocabulary.name}</span> ({formatInteger(corpus.vocabulary.wordCount)} words)
          </>
        ) : null}
        ; prepared {formatDate(corpus.createdAt)}; {corpus.runs} runs train on it.
      </p>
      {corpus.stats === null ? (
        <Empty>No statistics were stored with this corpus: the corpus service writes them when it prepares a corpus; prepare it again to get them.</Empty>
      ) : (
        <>
          <Figures stats={stats} />
          <SpanLengths stats={stats} />
          <ZipfPlot stats={stats} corpus={corpus} />
          <OovWords stats={stats} corpus={corpus} />
          {stats.subsets.length > 1 && (
            <>
              <h3>Retention per subset</h3>
              <table className="data" data-testid="subsets">
                <thead>
                  <tr>
                    <th>Subset</th>
                    <th className="num">Documents</th>
                    <th className="num">Words in</th>
                    <th className="num">Words out</th>
                    <th className="num">Word retention</th>
                  </tr>
                </thead>
                <tbody>
                  {stats.subsets.map((s) => (
                    <tr key={s.name}>
                      <td>{s.name}</td>
                      <td className="num">{formatInteger(s.documentsOut)}</td>
                      <td className="num">{formatCount(s.wordsIn)}</td>
                      <td className="num">{formatCount(s.wordsOut)}</td>
                      <td className="num">{percent(s.wordRetention)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
          <SpanSamples stats={stats} corpus={corpus} />
        </>
      )}
      <p className="muted small" data-testid="not-stored">
        {corpus.variant === 'simplified'
          ? 'Not in the database, so not shown here: the counts of the words past the most frequent 1,000 (the Zipf slope above is fitted on all of them) and the spans beyond the sample. '
          : 'Not in the database, so not shown here: the documents of the corpus. '}
        They are in the artifact store, in <span className="mono">{spansFile}</span> under <span className="mono">{corpus.uri ?? 'the corpus folder'}</span>.
      </p>
    </section>
  );
}

export default async function CorpusPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const view = await experimentView(params, 'Corpus', '/corpus');
  if ('page' in view) return view.page;
  const { experiment, experiments } = view;
  const corpora = await loadCorpora(experiment.id);
  return (
    <>
      <h1>Corpus</h1>
      <ExperimentPicker action="/corpus" experiments={experiments} selected={experiment.id} />
      {!corpora.ok ? (
        <ErrorBox title="The corpora could not be read from the database">{corpora.error}</ErrorBox>
      ) : corpora.value.length === 0 ? (
        <Empty>
          No corpus of <strong>{experiment.name}</strong> yet: the corpus service prepares the simplified corpus and its regular control once the experiment is
          created, and they show here when its runs are queued on them. Check that the corpus service is up on the <Link href="/">overview</Link>.
        </Empty>
      ) : (
        corpora.value.map((corpus) => <CorpusSection key={corpus.id} corpus={corpus} />)
      )}
    </>
  );
}
