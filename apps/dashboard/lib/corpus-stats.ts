// The corpus statistics the corpus service stores with each corpus (its stats.json, plus token
// counts), read defensively: the JSON is whatever the service wrote, so a missing or
// mistyped field becomes null instead of a broken page. Pure, no database.

export interface SpanLengthBin {
  minWords: number;
  maxWords: number;
  spans: number;
}

export interface WordCount {
  word: string;
  count: number;
}

/** A piece of a sampled span's text: an OOV word the span kept, or the text between them. */
export interface SpanPart {
  text: string;
  oov: boolean;
}

export interface SpanSampleView {
  doc: string;
  /** The span's text in order, its kept OOV words apart. */
  parts: SpanPart[];
  /** The stored text is the span's beginning only. */
  truncated: boolean;
  words: number | null;
  /** The OOV word that ended the span (the filter dropped it); null when the document's end did. */
  endingOovWord: string | null;
}

export interface SubsetRow {
  name: string;
  documentsIn: number | null;
  documentsOut: number | null;
  wordsIn: number | null;
  wordsOut: number | null;
  wordRetention: number | null;
}

export interface CorpusStatsView {
  documentsIn: number | null;
  documentsOut: number | null;
  wordsIn: number | null;
  wordsOut: number | null;
  documentRetention: number | null;
  wordRetention: number | null;
  spans: number | null;
  oovRate: number | null;
  oovWordsOut: number | null;
  meanSpanWords: number | null;
  maxSpanWords: number | null;
  spanLengthBins: SpanLengthBin[];
  types: number | null;
  typeTokenRatio: number | null;
  zipfCoefficient: number | null;
  wordCountsExact: boolean | null;
  topOovWords: WordCount[];
  oovCountsExact: boolean | null;
  /** The most frequent output words, most frequent first; null when not stored (a regular corpus, or one built before they were). */
  topWords: WordCount[] | null;
  /** A sample of the spans; null when not stored (as topWords). */
  spanSamples: SpanSampleView[] | null;
  subsets: SubsetRow[];
  tokens: number | null;
  tokenizerVocabSize: number | null;
  /** The span filter's settings (simplified corpora). */
  filter: { minWords: number | null; maxOovFraction: number | null; fromSentenceStart: boolean | null } | null;
  /** The regular corpus's budget: used of limit, and whether the inputs reached it. */
  budget: { used: number | null; limit: number | null; unit: string | null; reached: boolean | null } | null;
}

type Json = Record<string, unknown>;

const obj = (v: unknown): Json | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
const ratio = (a: number | null, b: number | null): number | null => (a === null || b === null || b === 0 ? null : a / b);

function wordCounts(v: unknown): WordCount[] {
  return (Array.isArray(v) ? v : [])
    .map(obj)
    .filter((w): w is Json => w !== null && typeof w.word === 'string' && num(w.count) !== null)
    .map((w) => ({ word: w.word as string, count: w.count as number }));
}

/** A stored span sample; null when it has no text. */
function spanSample(v: unknown): SpanSampleView | null {
  const s = obj(v);
  if (!s || typeof s.text !== 'string') return null;
  return {
    doc: typeof s.doc === 'string' ? s.doc : '',
    parts: spanParts(s.text, Array.isArray(s.oovRanges) ? s.oovRanges : []),
    truncated: s.truncated === true,
    words: num(s.words),
    endingOovWord: typeof s.endingOovWord === 'string' && s.endingOovWord !== '' ? s.endingOovWord : null,
  };
}

/** The stats of a simplified corpus (documentsIn/Out, wordsIn/Out...) or of a regular one (documents, words, budget). */
export function readCorpusStats(raw: unknown): CorpusStatsView {
  const s = obj(raw) ?? {};
  // The regular corpus keeps every document it takes: in = out.
  const documentsIn = num(s.documentsIn) ?? num(s.documents);
  const documentsOut = num(s.documentsOut) ?? num(s.documents);
  const wordsIn = num(s.wordsIn) ?? num(s.words);
  const wordsOut = num(s.wordsOut) ?? num(s.words);
  const lengths = obj(s.spanLengths);
  const bins = Array.isArray(lengths?.bins) ? lengths.bins : [];
  const filter = obj(s.filter);
  const budget = obj(s.budget);
  return {
    documentsIn,
    documentsOut,
    wordsIn,
    wordsOut,
    documentRetention: num(s.documentRetention) ?? ratio(documentsOut, documentsIn),
    wordRetention: num(s.wordRetention) ?? ratio(wordsOut, wordsIn),
    spans: num(s.spans),
    oovRate: num(s.oovRate),
    oovWordsOut: num(s.oovWordsOut),
    meanSpanWords: num(lengths?.meanWords),
    maxSpanWords: num(lengths?.maxWords),
    spanLengthBins: bins
      .map(obj)
      .filter((b): b is Json => b !== null && num(b.minWords) !== null && num(b.maxWords) !== null && num(b.spans) !== null)
      .map((b) => ({ minWords: b.minWords as number, maxWords: b.maxWords as number, spans: b.spans as number })),
    types: num(s.types),
    typeTokenRatio: num(s.typeTokenRatio),
    zipfCoefficient: num(s.zipfCoefficient),
    wordCountsExact: bool(s.wordCountsExact),
    topOovWords: wordCounts(s.topOovWords),
    oovCountsExact: bool(s.oovCountsExact),
    topWords: Array.isArray(s.topWords) ? wordCounts(s.topWords) : null,
    spanSamples: Array.isArray(s.spanSamples) ? s.spanSamples.map(spanSample).filter((sample) => sample !== null) : null,
    subsets: Object.entries(obj(s.subsets) ?? {}).map(([name, value]) => {
      const c = obj(value) ?? {};
      const wordsInSubset = num(c.wordsIn) ?? num(c.words);
      const wordsOutSubset = num(c.wordsOut) ?? num(c.words);
      return {
        name,
        documentsIn: num(c.documentsIn) ?? num(c.documents),
        documentsOut: num(c.documentsOut) ?? num(c.documents),
        wordsIn: wordsInSubset,
        wordsOut: wordsOutSubset,
        wordRetention: num(c.wordRetention) ?? (c.wordsIn === undefined ? null : ratio(wordsOutSubset, wordsInSubset)),
      };
    }),
    tokens: num(s.tokens),
    tokenizerVocabSize: num(obj(s.tokenizer)?.vocabSize),
    filter: filter ? { minWords: num(filter.minWords), maxOovFraction: num(filter.maxOovFraction), fromSentenceStart: bool(filter.fromSentenceStart) } : null,
    budget: budget ? { used: num(s.used), limit: num(budget.limit), unit: typeof budget.unit === 'string' ? budget.unit : null, reached: bool(s.budgetReached) } : null,
  };
}

/** Words with counts as a rank-frequency series (rank 1 = most frequent), for a log-log Zipf plot. */
export function rankFrequency(words: readonly WordCount[]): { x: number; y: number }[] {
  return [...words].sort((a, b) => b.count - a.count).map((w, i) => ({ x: i + 1, y: w.count }));
}

/**
 * `text` cut at the `[start, end)` ranges (UTF-16 offsets) of its OOV words. A range that is
 * not a pair of integers inside the text after the previous range is ignored: the text is
 * still shown whole, that word only unmarked.
 */
export function spanParts(text: string, ranges: readonly unknown[]): SpanPart[] {
  const parts: SpanPart[] = [];
  let at = 0;
  for (const range of ranges) {
    const [start, end]: unknown[] = Array.isArray(range) && range.length === 2 ? range : [];
    const valid = typeof start === 'number' && typeof end === 'number' && Number.isInteger(start) && Number.isInteger(end);
    if (!valid || start < at || end <= start || end > text.length) continue;
    if (start > at) parts.push({ text: text.slice(at, start), oov: false });
    parts.push({ text: text.slice(start, end), oov: true });
    at = end;
  }
  if (at < text.length) parts.push({ text: text.slice(at), oov: false });
  return parts;
}
