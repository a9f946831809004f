import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { CorpusReadError, type CorpusDocument } from './documents.js';
import { resolveInputFiles } from './input-files.js';
import { splitLines } from './lines.js';
import { readDocuments, readTextFileUtf8 } from './readers.js';
import { temporaryFolder } from './testing.js';

const FIXTURES = fileURLToPath(new URL('../test-fixtures/', import.meta.url));

async function collect(inputs: string | string[], skipBad = false): Promise<{ documents: CorpusDocument[]; bad: CorpusReadError[] }> {
  const bad: CorpusReadError[] = [];
  const documents: CorpusDocument[] = [];
  for await (const document of readDocuments(inputs, { skipBad, onBadRecord: (error) => bad.push(error) })) documents.push(document);
  return { documents, bad };
}

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('splitLines', () => {
  it('joins lines and multi-byte characters split across chunks, and numbers lines', async () => {
    const text = 'caf\u00e9 \u201cone\u201d\n\ntwo\r\nthree';
    for (const size of [1, 2, 3, 7, 100]) {
      const lines = [];
      for await (const line of splitLines(chunksOf(Buffer.from(text), size))) lines.push(line);
      assert.deepEqual(lines, [
        { text: 'caf\u00e9 \u201cone\u201d', line: 1 },
        { text: '', line: 2 },
        { text: 'two\r', line: 3 },
        { text: 'three', line: 4 },
      ]);
    }
  });
});

describe('readDocuments', () => {
  let folder: { path: string; remove: () => Promise<void> };
  before(async () => {
    folder = await temporaryFolder();
  });
  after(() => folder.remove());

  it('reads a .txt file as one document named by its file name, without a byte-order mark', async () => {
    const path = join(folder.path, 'story.txt');
    await writeFile(path, '\ufeffOnce upon a time.\nThe end.');
    const { documents } = await collect(path);
    assert.deepEqual(documents, [{ id: 'story.txt', text: 'Once upon a time.\nThe end.' }]);
  });

  it('reads a .txt file as bytes that are the UTF-8 of the text read as a string', async () => {
    const cases = {
      'plain.txt': Buffer.from('caf\u00e9 and \u65e5\u672c\n'),
      'bom.txt': Buffer.from('\ufeffwith a mark'),
      'malformed.txt': Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0xe9, 0x62, 0xf0, 0x9f, 0x98, 0x20, 0xc3]),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      const path = join(folder.path, name);
      await writeFile(path, bytes);
      const [document] = (await collect(path)).documents;
      const { id, utf8 } = await readTextFileUtf8(path);
      assert.equal(id, name);
      assert.deepEqual(utf8, Buffer.from(document?.text ?? '', 'utf8'), name);
    }
  });

  it('reads .jsonl records with ids, file:line ids and source subsets', async () => {
    const { documents } = await collect(join(FIXTURES, 'sample.jsonl'));
    assert.deepEqual(
      documents.map(({ id, subset }) => [id, subset]),
      [
        ['sample.jsonl:1', 'RedPajamaBook'],
        ['doc-7', 'RedPajamaC4'],
        ['sample.jsonl:3', 'RedPajamaC4'],
        ['sample.jsonl:4', undefined],
      ],
    );
    assert.equal(documents[2]?.text, 'Caf\u00e9 \u201cquotes\u201d and don\u2019t.');
  });

  it('reads .jsonl.zst like the uncompressed file', async () => {
    const plain = await collect(join(FIXTURES, 'sample.jsonl'));
    const compressed = await collect(join(FIXTURES, 'sample.jsonl.zst'));
    assert.deepEqual(
      compressed.documents.map((document) => ({ ...document, id: document.id.replace('.jsonl.zst', '.jsonl') })),
      plain.documents,
    );
  });

  it('reads the text, id and meta columns of a .parquet file over several row groups', async () => {
    const path = join(folder.path, 'rows.parquet');
    const texts = ['first text', 'second text', 'third text', 'fourth text', 'fifth text'];
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'text', data: texts, type: 'STRING' },
        { name: 'meta', data: texts.map((_, i) => JSON.stringify({ redpajama_set_name: i % 2 ? 'odd' : 'even' })), type: 'STRING' },
      ],
      rowGroupSize: 2,
    });
    await writeFile(path, Buffer.from(buffer));
    const { documents } = await collect(path);
    assert.deepEqual(
      documents,
      texts.map((text, i) => ({ id: `rows.parquet:${i + 1}`, text, subset: i % 2 ? 'odd' : 'even' })),
    );
  });

  it('expands directories and globs into files of known formats in sorted order', async () => {
    const tree = join(folder.path, 'tree');
    await mkdir(join(tree, 'sub'), { recursive: true });
    await writeFile(join(tree, 'b.txt'), 'B');
    await writeFile(join(tree, 'sub', 'a.txt'), 'A');
    await writeFile(join(tree, 'notes.md'), 'not a corpus file');
    await copyFile(join(FIXTURES, 'sample.jsonl'), join(tree, 'c.jsonl'));
    const fromDirectory = await resolveInputFiles(tree);
    assert.deepEqual(
      fromDirectory.map((file) => [file.path.slice(tree.length + 1), file.format]),
      [
        ['b.txt', 'txt'],
        ['c.jsonl', 'jsonl'],
        ['sub/a.txt', 'txt'],
      ],
    );
    const fromGlob = await resolveInputFiles(join(tree, '**/*.txt'));
    assert.deepEqual(fromGlob.map((file) => file.path.slice(tree.length + 1)), ['b.txt', 'sub/a.txt']);
    await assert.rejects(resolveInputFiles(join(tree, 'notes.md')), /unknown format/);
    await assert.rejects(resolveInputFiles(join(tree, 'missing.txt')), /no such file/);
  });

  it('names the file and line of a malformed record, and with skipBad counts it and goes on', async () => {
    const path = join(folder.path, 'bad.jsonl');
    await writeFile(path, ['{"text":"one"}', '{"text": broken', '{"title":"no text"}', '[1,2]', '{"text":42}', '{"text":"six"}', ''].join('\n'));
    await assert.rejects(collect(path), (error: unknown) => {
      assert.ok(error instanceof CorpusReadError);
      assert.deepEqual(error.place, { file: path, line: 2 });
      assert.match(error.message, new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: not valid JSON`));
      return true;
    });
    const { documents, bad } = await collect(path, true);
    assert.deepEqual(documents.map((document) => document.text), ['one', 'six']);
    assert.deepEqual(bad.map((error) => error.place.line), [2, 3, 4, 5]);
    assert.match(bad[1]?.message ?? '', /no "text" field/);
    assert.match(bad[3]?.message ?? '', /"text" field is number/);
  });

  it('names the byte offset of a truncated .jsonl.zst file, and with skipBad reads the next file', async () => {
    const whole = await readFile(join(FIXTURES, 'sample.jsonl.zst'));
    const truncated = join(folder.path, 'cut', 'a.jsonl.zst');
    await mkdir(join(folder.path, 'cut'), { recursive: true });
    await writeFile(truncated, whole.subarray(0, whole.length - 20));
    await writeFile(join(folder.path, 'cut', 'b.txt'), 'after');
    await assert.rejects(collect(truncated), (error: unknown) => {
      assert.ok(error instanceof CorpusReadError);
      assert.equal(error.place.file, truncated);
      assert.equal(error.place.offset, whole.length - 20);
      assert.match(error.message, /at byte \d+: the zstd stream ends early/);
      return true;
    });
    const { documents, bad } = await collect(join(folder.path, 'cut'), true);
    assert.deepEqual(documents.map((document) => document.id), ['b.txt']);
    assert.equal(bad.length, 1);
  });

  it('names a truncated .parquet file, and a missing text column', async () => {
    const buffer = Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'text', data: ['x', 'y'], type: 'STRING' }] }));
    const truncated = join(folder.path, 'cut.parquet');
    await writeFile(truncated, buffer.subarray(0, buffer.length - 10));
    await assert.rejects(collect(truncated), /cut\.parquet at byte \d+: not a readable Parquet file/);
    const noText = join(folder.path, 'notext.parquet');
    await writeFile(noText, Buffer.from(parquetWriteBuffer({ columnData: [{ name: 'body', data: ['x'], type: 'STRING' }] })));
    await assert.rejects(collect(noText), /notext\.parquet: the Parquet file has no "text" column \(columns: body\)/);
  });
});
