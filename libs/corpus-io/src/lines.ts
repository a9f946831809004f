/** Splits a stream of bytes into UTF-8 lines, with their 1-based line numbers. */

export interface NumberedLine {
  readonly text: string;
  readonly line: number;
}

/**
 * Lines of `chunks`, split at `\n` (a `\r` before it stays in the text; JSON ignores it). A
 * last line without a final newline is yielded too. Only one line is held at a time.
 */
export async function* splitLines(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<NumberedLine> {
  let pending: Buffer[] = []; // pieces of a line that spans chunks
  let line = 0;
  for await (const chunk of chunks) {
    const bytes = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let start = 0;
    for (let newline = bytes.indexOf(10, start); newline >= 0; newline = bytes.indexOf(10, start)) {
      line++;
      if (pending.length === 0) {
        yield { text: bytes.toString('utf8', start, newline), line };
      } else {
        pending.push(bytes.subarray(start, newline));
        const text = Buffer.concat(pending).toString('utf8');
        pending = [];
        yield { text, line };
      }
      start = newline + 1;
    }
    // Copied: the producer may reuse its buffer for the next chunk.
    if (start < bytes.length) pending.push(Buffer.from(bytes.subarray(start)));
  }
  if (pending.length > 0) yield { text: Buffer.concat(pending).toString('utf8'), line: line + 1 };
}
