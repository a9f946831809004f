import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvText } from './csv.js';

test('fields with quotes, commas or line breaks are quoted; missing values are empty; CRLF ends every line', () => {
  assert.equal(csvText([['run', 'note', 'loss'], ['a', 'say "hi", then\ngo', 1.5], ['b', null, 0]]), 'run,note,loss\r\na,"say ""hi"", then\ngo",1.5\r\nb,,0\r\n');
});
