/**
 * A small sample of a simplified corpus's spans for a person to read (the dashboard's corpus
 * view), stored with the corpus's statistics: each sampled span's text, the places of the OOV
 * words it kept, and the OOV word that ended it.
 *
 * The sample is the SPAN_SAMPLE_SIZE spans with the smallest sampling key, a hash of the
 * span's document id and byte offset in that document. The key depends on the span alone, so
 * the sample is the same however the corpus is cut into shards, spread over workers or
 * resumed, and it is spread over the whole corpus like a random sample (the first spans of
 * the corpus would all come from its first book). Each shard keeps its own smallest keys,
 * which hold the corpus's smallest ones, and the merge keeps the smallest of those.
 *
 * The filter's hot loop is untouched: per span the sampler computes one key and compares it
 * with the largest kept key; only a span still in the sample after its document is decoded,
 * and only up to SAMPLE_TEXT_BYTES of it.
 */
import { wordEnd, type ByteSpan, type ByteSpanFilterResult } from '@downscale/simplify';
import type { DocumentLabel } from './span-lines.js';

/** Spans kept per shard and for the corpus. */
export const SPAN_SAMPLE_SIZE = 20;

/** A sampled span's text is cut after about this many bytes: a span can be a whole chapter, and the sample is stored in the database. */
export const SAMPLE_TEXT_BYTES = 2_000;

/** One sampled span. Offsets are in UTF-16 code units of `text` (JavaScript string indices). */
export interface SpanSample {
  /** The document's id, as in spans.jsonl. */
  readonly doc: string;
  /** The span's text, cut at SAMPLE_TEXT_BYTES bytes when `truncated`. */
  readonly text: string;
  readonly truncated: boolean;
  /** Word tokens in the whole span. */
  readonly words: number;
  /** `[start, end)` of each OOV word the span kept, in order (those inside `text`). */
  readonly oovRanges: [number, number][];
  /** The OOV word that ended the span, as written (the filter drops it); null when the document's end did. */
  readonly endingOovWord: string | null;
}

/** A sample as a shard stores it: with its sampling key, so that shards' samples can be merged. */
export interface KeyedSpanSample extends SpanSample {
  /** The sampling key, an unsigned 32-bit hash of `doc` and the span's byte offset. */
  readonly key: number;
}

const DECODER = new TextDecoder();

/** A span in a shard's sample: its span until its document is done, then its description. */
interface KeptSpan {
  readonly key: number;
  span: ByteSpan | null;
  sample: KeyedSpanSample | null;
}

/** The SPAN_SAMPLE_SIZE spans of one shard with the smallest keys, in the shard's order. */
export class SpanSampler {
  /** The kept spans; those of the document being added are described once it is done (most leave again first). */
  private readonly kept: KeptSpan[] = [];
  /** The key a span must be below to enter: the largest kept key once the sample is full. */
  private threshold = Infinity;

  /** Considers the spans of the filter's `result` for `document`, whose UTF-8 text is `bytes`. */
  add(document: DocumentLabel, bytes: Uint8Array, result: ByteSpanFilterResult): void {
    if (result.spans.length === 0) return;
    const { kept } = this;
    const documentHash = stringHash(document.id);
    for (const span of result.spans) {
      const key = samplingKey(documentHash, span.start);
      if (key >= this.threshold) continue;
      kept.push({ key, span, sample: null });
      if (kept.length > SPAN_SAMPLE_SIZE) kept.splice(this.largestKeyIndex(), 1);
      if (kept.length === SPAN_SAMPLE_SIZE) this.threshold = (kept[this.largestKeyIndex()] as KeptSpan).key;
    }
    for (const entry of kept) {
      if (entry.span === null) continue;
      entry.sample = { key: entry.key, doc: document.id, words: entry.span.words, ...describeSpan(bytes, entry.span, result.oovWordStarts) };
      entry.span = null;
    }
  }

  finish(): KeyedSpanSample[] {
    return this.kept.map((entry) => entry.sample as KeyedSpanSample);
  }

  /** The kept span with the largest key; of equal keys the latest, as the merge orders ties by place. */
  private largestKeyIndex(): number {
    const { kept } = this;
    let largest = 0;
    for (let index = 1; index < kept.length; index++) {
      if ((kept[index] as KeptSpan).key >= (kept[largest] as KeptSpan).key) largest = index;
    }
    return largest;
  }
}

/**
 * Merges the samples of shards given in shard order into the corpus's sample: the
 * SPAN_SAMPLE_SIZE smallest keys (ties by place), in corpus order, keys left out.
 */
export class SpanSampleMerger {
  private kept: { sample: KeyedSpanSample; shard: number; position: number }[] = [];
  private shards = 0;

  /** The next shard's samples; a shard written before samples were stored has none. */
  add(samples: readonly KeyedSpanSample[] | undefined): void {
    const shard = this.shards++;
    (samples ?? []).forEach((sample, position) => this.kept.push({ sample, shard, position }));
    this.kept = this.kept.sort((a, b) => a.sample.key - b.sample.key || byPlace(a, b)).slice(0, SPAN_SAMPLE_SIZE);
  }

  finish(): SpanSample[] {
    return [...this.kept].sort(byPlace).map(({ sample: { key: _key, ...sample } }) => sample);
  }
}

function byPlace(a: { shard: number; position: number }, b: { shard: number; position: number }): number {
  return a.shard - b.shard || a.position - b.position;
}

/** The text of `span` (cut at SAMPLE_TEXT_BYTES), its kept OOV words and the one that ended it. */
function describeSpan(bytes: Uint8Array, span: ByteSpan, oovWordStarts: Int32Array): Pick<SpanSample, 'text' | 'truncated' | 'oovRanges' | 'endingOovWord'> {
  let cut = Math.min(span.end, span.start + SAMPLE_TEXT_BYTES);
  // Not inside a UTF-8 sequence (continuation bytes are 10xxxxxx).
  while (cut < span.end && cut > span.start && ((bytes[cut] as number) & 0xc0) === 0x80) cut--;
  const oovRanges: [number, number][] = [];
  let next = firstAtOrAfter(oovWordStarts, span.start);
  for (; next < oovWordStarts.length && (oovWordStarts[next] as number) < span.end; next++) {
    const start = oovWordStarts[next] as number;
    const end = wordEnd(bytes, start);
    if (end <= cut) oovRanges.push([utf16Length(bytes, span.start, start), utf16Length(bytes, span.start, end)]);
  }
  // A span ends at an OOV word (which starts right after its trimmed spaces) or at the
  // document's end, after which there is no word: the first OOV word past the span ended it.
  const ending = next < oovWordStarts.length ? (oovWordStarts[next] as number) : -1;
  return {
    text: DECODER.decode(bytes.subarray(span.start, cut)),
    truncated: cut < span.end,
    oovRanges,
    endingOovWord: ending < 0 ? null : DECODER.decode(bytes.subarray(ending, wordEnd(bytes, ending))),
  };
}

/** Index of the first of the ascending `values` that is at least `value` (their length if none). */
function firstAtOrAfter(values: Int32Array, value: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((values[middle] as number) < value) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Length in UTF-16 code units of `bytes[from, to)` decoded (a malformed sequence is one U+FFFD, as in the text). */
function utf16Length(bytes: Uint8Array, from: number, to: number): number {
  return DECODER.decode(bytes.subarray(from, to)).length;
}

/** FNV-1a over the UTF-16 code units of `text`. */
function stringHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash;
}

/** The sampling key of the span at byte `offset` of a document: the offset mixed into the document's hash (murmur3's finaliser). */
function samplingKey(documentHash: number, offset: number): number {
  let hash = Math.imul(documentHash ^ offset, 0x01000193);
  hash = Math.imul(hash ^ (hash >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return (hash ^ (hash >>> 16)) >>> 0;
}
