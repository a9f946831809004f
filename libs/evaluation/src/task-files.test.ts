import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { loadHarnessTask, parseZorroText } from './harness-loaders.js';
import { TaskFileError } from './jsonl.js';
import { resolveTasks } from './task-specs.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evaluation-task-files-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

type Column = { name: string; data: unknown[]; type?: 'STRING' | 'INT32' | 'INT64' };
const writeParquet = async (name: string, columnData: Column[], rowGroupSize = 2) => {
  const path = join(dir, name);
  await writeFile(path, Buffer.from(parquetWriteBuffer({ columnData, rowGroupSize })));
  return path;
};

describe('Parquet exports of the Hugging Face datasets', () => {
  it('rte: the same items as its JSONL export, INT64 labels read as numbers, across row groups', async () => {
    const rows = [
      { sentence1: 'A dog ran.', sentence2: 'An animal ran.', label: 0, idx: 0 },
      { sentence1: 'It rained.', sentence2: 'It was dry.', label: 1, idx: 1 },
      { sentence1: 'She sang.', sentence2: 'Someone sang.', label: 0, idx: 2 },
    ];
    const parquet = await writeParquet('rte-validation.parquet', [
      { name: 'sentence1', data: rows.map((r) => r.sentence1), type: 'STRING' },
      { name: 'sentence2', data: rows.map((r) => r.sentence2), type: 'STRING' },
      { name: 'label', data: rows.map((r) => BigInt(r.label)), type: 'INT64' },
      { name: 'idx', data: rows.map((r) => r.idx), type: 'INT32' },
    ]);
    const jsonl = join(dir, 'rte-validation.jsonl');
    await writeFile(jsonl, rows.map((r) => JSON.stringify(r)).join('\n'));
    const fromParquet = await loadHarnessTask('rte', { evalFile: parquet, trainFile: parquet });
    assert.deepEqual(fromParquet, await loadHarnessTask('rte', { evalFile: jsonl, trainFile: jsonl }));
    assert.deepEqual(fromParquet.items[1], { id: '1', context: 'It rained.\nQuestion: It was dry. True or False?\nAnswer:', choices: ['True', 'False'], gold: 1 });
  });

  it('arc_easy: its nested choices column ({text, label} per row)', async () => {
    const columnData = [
      { name: 'id', data: ['q1', 'q2'], type: 'STRING' },
      { name: 'question', data: ['Which is hot?', 'Which is wet?'], type: 'STRING' },
      { name: 'choices', data: [{ text: ['ice', 'fire'], label: ['A', 'B'] }, { text: ['sand', 'rain', 'dust'], label: ['1', '2', '3'] }] },
      { name: 'answerKey', data: ['B', '2'], type: 'STRING' },
    ] as Column[];
    const task = await loadHarnessTask('arc_easy', { evalFile: await writeParquet('arc.parquet', columnData) });
    assert.deepEqual(task.items, [
      { id: 'q1', context: 'Question: Which is hot?\nAnswer:', choices: ['ice', 'fire'], gold: 1 },
      { id: 'q2', context: 'Question: Which is wet?\nAnswer:', choices: ['sand', 'rain', 'dust'], gold: 1 },
    ]);
  });

  it('blimp and lambada from Parquet, resolvable as <task>:<file.parquet>', async () => {
    const blimp = await writeParquet('blimp.parquet', [
      { name: 'sentence_good', data: ['Cats sleep.', 'Dogs bark.'], type: 'STRING' },
      { name: 'sentence_bad', data: ['Cats sleeps.', 'Dogs barks.'], type: 'STRING' },
      { name: 'pair_id', data: [BigInt(1), BigInt(2)], type: 'INT64' },
    ]);
    const lambada = await writeParquet('lambada.parquet', [{ name: 'text', data: ['the cat sat on the mat'], type: 'STRING' }]);
    const { tasks, errors } = await resolveTasks([`blimp:${blimp}`, `lambada_openai:${lambada}`]);
    assert.deepEqual(errors, []);
    assert.deepEqual(tasks[0]!.task.items, [
      { id: '1', good: 'Cats sleep.', bad: 'Cats sleeps.' },
      { id: '2', good: 'Dogs bark.', bad: 'Dogs barks.' },
    ]);
    assert.deepEqual(tasks[1]!.task.items, [{ id: `${lambada}:1`, context: 'the cat sat on the', target: 'mat' }]);
  });

  it('errors name the file and row; a file that is not Parquet says so', async () => {
    const bad = await writeParquet('copa-bad.parquet', [
      { name: 'premise', data: ['The sun rose.', 'It rained.'], type: 'STRING' },
      { name: 'choice1', data: ['a', 'b'], type: 'STRING' },
      { name: 'choice2', data: ['c', 'd'], type: 'STRING' },
      { name: 'question', data: ['effect', 'why'], type: 'STRING' },
      { name: 'label', data: [BigInt(0), BigInt(1)], type: 'INT64' },
    ]);
    await assert.rejects(loadHarnessTask('copa', { evalFile: bad }), (error: unknown) => error instanceof TaskFileError && error.message === `${bad}:2: field "question" must be "cause" or "effect", not "why"`);
    const notParquet = join(dir, 'not.parquet');
    await writeFile(notParquet, 'premise,choice1\n');
    await assert.rejects(loadHarnessTask('copa', { evalFile: notParquet }), /not\.parquet at byte \d+: not a readable Parquet file/);
  });
});

describe('Zorro as published (.txt: odd lines ungrammatical, even lines their grammatical partners)', () => {
  it('pairs lines by position; loads through the zorro task and its spec', async () => {
    const file = join(dir, 'agreement_determiner_noun-between_neighbors.txt');
    await writeFile(file, 'this colors must be white .\nthis color must be white .\nthese color can be white .\nthese colors can be white .\n');
    const task = await loadHarnessTask('zorro', { evalFile: file });
    assert.equal(task.kind, 'minimal-pair');
    assert.deepEqual(task.items, [
      { id: `${file}:1`, bad: 'this colors must be white .', good: 'this color must be white .' },
      { id: `${file}:3`, bad: 'these color can be white .', good: 'these colors can be white .' },
    ]);
    const { tasks, errors } = await resolveTasks([`zorro:${file}`], { vocabulary: new Set('this these color colors must can be white'.split(' ')) });
    assert.deepEqual(errors, []);
    assert.deepEqual(tasks.map((t) => [t.name, t.version, t.task.items.length]), [['zorro', 'original', 2], ['zorro', 'simplified', 2]]);
  });

  it('refuses a blank line or an unpaired last line, naming the line', () => {
    assert.throws(() => parseZorroText('a b .\na c .\n\nd e .\nd f .\n', 'z.txt'), /^TaskFileError: z\.txt:3: blank line/);
    assert.throws(() => parseZorroText('a b .\na c .\nd e .', 'z.txt'), /z\.txt:3: this ungrammatical sentence \(odd line\) has no grammatical partner/);
    assert.deepEqual(parseZorroText('x y .\r\nx z .\r\n', 'z.txt'), [{ id: 'z.txt:1', bad: 'x y .', good: 'x z .' }]);
  });
});
