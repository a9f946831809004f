import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { repoRoot } from './stack/paths.js';

const cli = join(repoRoot, 'apps', 'cli', 'bin', 'downscale.mjs');

function downscale(...args: string[]) {
  return spawnSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' });
}

/** `count` simple words: every one is in the test vocabulary. */
const simple = (count: number) => Array.from({ length: count }, (_, i) => ['the', 'cat', 'sat', 'on', 'a', 'mat'][i % 6]).join(' ');

describe('downscale simplify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'downscale-simplify-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  before(() => {
    mkdirSync(join(dir, 'in'));
    writeFileSync(join(dir, 'words.txt'), 'the\ncat\nsat\non\na\nmat\n');
    // A 40-word simple sentence, then a sentence with a word outside the vocabulary.
    writeFileSync(join(dir, 'in', 'story.txt'), `${simple(40)}. Then an aardvark appeared.`);
    writeFileSync(join(dir, 'in', 'short.txt'), `${simple(10)}.`);
    writeFileSync(join(dir, 'in', 'lines.jsonl'), `${JSON.stringify({ text: `${simple(33)}.` })}\n{"text": broken\n`);
  });

  it('writes one line per span with doc, text, words and oov, and stats.json', () => {
    const run = downscale('simplify', '--input', join(dir, 'in', '*.txt'), '--vocab', join(dir, 'words.txt'), '--out', join(dir, 'out'));
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, /vocabulary: 6 words from .*words\.txt/);
    const spans = readFileSync(join(dir, 'out', 'spans.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(spans, [{ doc: 'story.txt', text: `${simple(40)}.`, words: 40, oov: 0 }]);
    const stats = JSON.parse(readFileSync(join(dir, 'out', 'stats.json'), 'utf8'));
    assert.equal(stats.documentsIn, 2);
    assert.equal(stats.wordsOut, 40);
    assert.match(run.stdout, /kept 40 of \d+ words/);
  });

  it('honours --min-words', () => {
    const run = downscale('simplify', '--input', join(dir, 'in', 'short.txt'), '--vocab', join(dir, 'words.txt'), '--out', join(dir, 'out-short'), '--min-words', '5');
    assert.equal(run.status, 0, run.stderr);
    const spans = readFileSync(join(dir, 'out-short', 'spans.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(spans.map((s) => s.words), [10]);
  });

  it('stops at a malformed record naming file and line, or skips it with --skip-bad', () => {
    const args = ['simplify', '--input', join(dir, 'in', 'lines.jsonl'), '--vocab', join(dir, 'words.txt')];
    const failed = downscale(...args, '--out', join(dir, 'out-bad'));
    assert.equal(failed.status, 1);
    assert.match(failed.stderr, /lines\.jsonl:2: not valid JSON.*--skip-bad/);
    const skipped = downscale(...args, '--out', join(dir, 'out-skip'), '--skip-bad');
    assert.equal(skipped.status, 0, skipped.stderr);
    assert.match(skipped.stdout, /1 bad records skipped/);
    assert.equal(readFileSync(join(dir, 'out-skip', 'spans.jsonl'), 'utf8').trim().split('\n').length, 1);
  });

  it('refuses bad flags and a missing vocabulary with a message naming them', () => {
    const badOov = downscale('simplify', '--input', dir, '--out', join(dir, 'x'), '--max-oov', '2');
    assert.equal(badOov.status, 1);
    assert.match(badOov.stderr, /--max-oov must be a number between 0 and 1 \(got "2"\)/);
    const missing = downscale('simplify', '--input', dir, '--out', join(dir, 'x'), '--vocab', join(dir, 'nope.csv'));
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /nope\.csv/);
  });
});
