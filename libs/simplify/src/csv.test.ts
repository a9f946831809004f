import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvSyntaxError, parseCsv } from './index.js';

describe('parseCsv', () => {
  it('splits rows on LF and CRLF, keeps every field a string and skips empty lines', () => {
    assert.deepEqual(parseCsv(',word,frequency\r\n0,nan,31\r\n\r\n1,TRUE,5', 'v.csv'), [
      { line: 1, fields: ['', 'word', 'frequency'] },
      { line: 2, fields: ['0', 'nan', '31'] },
      { line: 4, fields: ['1', 'TRUE', '5'] },
    ]);
  });

  it('reads quoted fields with commas, doubled quotes and newlines, counting lines', () => {
    assert.deepEqual(parseCsv('"a,b","say ""hi""",""\n"two\nlines",x\ny,z\n', 'v.csv'), [
      { line: 1, fields: ['a,b', 'say "hi"', ''] },
      { line: 2, fields: ['two\nlines', 'x'] },
      { line: 4, fields: ['y', 'z'] },
    ]);
  });

  it('keeps a quote inside an unquoted field as a plain character', () => {
    assert.deepEqual(parseCsv('it"s,1', 'v.csv'), [{ line: 1, fields: ['it"s', '1'] }]);
  });

  it('names the source and line of an unclosed quote', () => {
    assert.throws(
      () => parseCsv('a,b\n1,"open\n2,x\n', 'v.csv'),
      (error: unknown) => error instanceof CsvSyntaxError && error.message.startsWith('v.csv:2: quoted field is never closed'),
    );
  });

  it('names the source and line of text after a closing quote', () => {
    assert.throws(() => parseCsv('a,b\n1,"x"y\n', 'v.csv'), /^CsvSyntaxError: v\.csv:2: unexpected "y" after a closing double quote/);
  });
});
