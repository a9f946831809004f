/**
 * The lines of spans.jsonl, written straight from a document's UTF-8 bytes: a span's text
 * is JSON-escaped byte by byte instead of being decoded to a string, stringified and encoded
 * again. Each line is the same bytes as `JSON.stringify({ doc, text, words, oov[, subset] })`
 * plus a newline, for text that is valid UTF-8 (which the filter's input always is).
 */
import type { FileHandle } from 'node:fs/promises';
import type { ByteSpan } from '@downscale/simplify';
import type { CorpusDocument } from './documents.js';

/** What a line says of the document its span comes from. */
export type DocumentLabel = Pick<CorpusDocument, 'id' | 'subset'>;

/** The output is written in pieces of about this many bytes (small enough not to burden the garbage collector). */
const WRITE_BYTES = 1 << 18;

/**
 * What JSON.stringify writes for each byte of a string's UTF-8 text: undefined (the byte
 * itself), or the escape of `"`, `\` and the control characters below U+0020.
 */
const JSON_ESCAPES: (Uint8Array | undefined)[] = Array.from({ length: 256 }, (_, byte) =>
  byte < 0x20 || byte === 0x22 || byte === 0x5c ? Buffer.from(JSON.stringify(String.fromCharCode(byte)).slice(1, -1)) : undefined,
);

/** 1 for the bytes that JSON_ESCAPES escapes (a typed array: the copy loop's fast check). */
const ESCAPED: Uint8Array = Uint8Array.from(JSON_ESCAPES, (escape) => (escape === undefined ? 0 : 1));

/** Longest escape of one byte (`\u001f`). */
const MAX_ESCAPE_BYTES = 6;

export class SpanLineWriter {
  private buffer = Buffer.allocUnsafe(2 * WRITE_BYTES);
  private length = 0;

  constructor(private readonly output: FileHandle) {}

  /** Appends the lines of `spans` of `document`, whose UTF-8 text is `bytes`. */
  async add(document: DocumentLabel, bytes: Uint8Array, spans: readonly ByteSpan[]): Promise<void> {
    if (spans.length === 0) return;
    const head = Buffer.from(`{"doc":${JSON.stringify(document.id)},"text":"`);
    const end = Buffer.from(`${document.subset === undefined ? '' : `,"subset":${JSON.stringify(document.subset)}`}}\n`);
    for (const span of spans) {
      const counts = `","words":${span.words},"oov":${span.oov}`;
      this.reserve(head.length + MAX_ESCAPE_BYTES * (span.end - span.start) + counts.length + end.length);
      this.append(head);
      this.appendEscaped(bytes, span.start, span.end);
      this.appendAscii(counts);
      this.append(end);
      if (this.length >= WRITE_BYTES) await this.flush();
    }
  }

  /** Writes what is buffered. */
  async flush(): Promise<void> {
    if (this.length > 0) await this.output.write(this.buffer, 0, this.length);
    this.length = 0;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const buffer = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.length + bytes));
    this.buffer.copy(buffer, 0, 0, this.length);
    this.buffer = buffer;
  }

  private append(bytes: Uint8Array): void {
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Appends ASCII `text` (cheaper, for a few characters, than encoding it to a Buffer first). */
  private appendAscii(text: string): void {
    for (let i = 0; i < text.length; i++) this.buffer[this.length++] = text.charCodeAt(i);
  }

  private appendEscaped(bytes: Uint8Array, start: number, end: number): void {
    const buffer = this.buffer;
    let at = this.length;
    for (let i = start; i < end; i++) {
      const byte = bytes[i] as number;
      if (ESCAPED[byte] === 0) buffer[at++] = byte;
      else {
        const escape = JSON_ESCAPES[byte] as Uint8Array;
        buffer.set(escape, at);
        at += escape.length;
      }
    }
    this.length = at;
  }
}
