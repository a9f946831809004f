import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTRACTION_FRAGMENTS, DEFAULT_VOCABULARY_SIZE, defaultVocabulary, resolveVocabulary, spanFilter } from './index.js';

describe('defaultVocabulary', () => {
  const vocabulary = defaultVocabulary();

  it('has 20,000 lower-case ASCII words and says it is a proxy for AO-CHILDES', () => {
    assert.equal(vocabulary.words.size, DEFAULT_VOCABULARY_SIZE);
    assert.ok([...vocabulary.words].every((word) => /^[a-z]+$/.test(word)));
    assert.match(vocabulary.label, /PROXY for the paper's child-directed AO-CHILDES vocabulary/);
    assert.equal(vocabulary.report.size, DEFAULT_VOCABULARY_SIZE);
  });

  it('is ranked by spoken frequency, most frequent first', () => {
    assert.deepEqual([...vocabulary.words].slice(0, 6), ['you', 'i', 'the', 'to', 's', 'a']);
    const counts = [...(vocabulary.frequencies?.values() ?? [])];
    assert.ok(counts.every((count, i) => i === 0 || (counts[i - 1] as number) >= count));
  });

  it('holds the contraction fragments the span filter produces', () => {
    for (const fragment of ['s', 't', 'll', 're', 'don', 'didn']) assert.ok(CONTRACTION_FRAGMENTS.includes(fragment) && vocabulary.words.has(fragment), fragment);
    const text = "I don't think we'll go, it's too late and you didn't ask. ".repeat(4);
    assert.equal(spanFilter(text, vocabulary.words).spans.length, 1);
  });

  it('is the same word list on every build (pinned by its hash)', () => {
    const hash = createHash('sha256').update([...vocabulary.words].sort().join('\n')).digest('hex');
    assert.equal(hash, 'a8d5286b94049a77a224c11d2a9d9d5c51a2a6962d07c5d7730eff4bb607435c');
  });
});

describe('resolveVocabulary', () => {
  it('reads "default" as the proxy vocabulary and anything else as a file', async () => {
    assert.equal(await resolveVocabulary('default'), defaultVocabulary());
    const dir = mkdtempSync(join(tmpdir(), 'downscale-vocab-'));
    try {
      writeFileSync(join(dir, 'words.txt'), 'cat\ndog\n');
      assert.deepEqual([...(await resolveVocabulary(join(dir, 'words.txt'))).words].sort(), ['cat', 'dog']);
      await assert.rejects(resolveVocabulary(join(dir, 'missing.txt')), /missing\.txt/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
