import assert from 'node:assert/strict';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SpanLineWriter } from './span-lines.js';
import { temporaryFolder } from './testing.js';

describe('SpanLineWriter', () => {
  it('writes the bytes of JSON.stringify for every span, escapes and non-ASCII text included', async () => {
    const folder = await temporaryFolder();
    try {
      const every = Array.from({ length: 0x20 }, (_, code) => String.fromCharCode(code)).join('');
      // Repeated so that the output (about 3 MB) is written in several pieces.
      const text = `plain "quoted" back\\slash ${every} tab\there\r\n café 日本 😀 \u2028 \u007f end `.repeat(20);
      const bytes = Buffer.from(text);
      const documents = Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? { id: `doc "${i}"`, text } : { id: `doc-${i}`, text, subset: 'Red "Pajama"' }));
      const spans = [
        { start: 0, end: bytes.length, words: 12, oov: 1 },
        { start: 6, end: 14, words: 1, oov: 0 },
      ];
      const path = join(folder.path, 'spans.jsonl');
      const output = await open(path, 'w');
      const writer = new SpanLineWriter(output);
      for (const document of documents) await writer.add(document, bytes, spans);
      await writer.add(documents[0] as (typeof documents)[0], bytes, []);
      await writer.flush();
      await output.close();

      const expected = documents.flatMap((document) =>
        spans.map((span) => {
          const spanText = bytes.toString('utf8', span.start, span.end);
          const base = { doc: document.id, text: spanText, words: span.words, oov: span.oov };
          return `${JSON.stringify('subset' in document ? { ...base, subset: document.subset } : base)}\n`;
        }),
      );
      assert.equal(await readFile(path, 'utf8'), expected.join(''));
    } finally {
      await folder.remove();
    }
  });
});
