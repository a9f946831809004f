import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadMultipleChoiceTask, parseMultipleChoiceJsonl } from './generic-loader.js';
import { loadHarnessTask, parseHarnessTask } from './harness-loaders.js';
import { TaskFileError } from './jsonl.js';

let dir = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'evaluation-loaders-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const jsonl = (...records: unknown[]): string => records.map((r) => JSON.stringify(r)).join('\n') + '\n';

test('the generic multiple-choice JSONL format loads, skipping blank lines', async () => {
  const file = join(dir, 'generic.jsonl');
  await writeFile(file, jsonl({ id: 'a', context: 'Sky is', choices: ['blue', 'green'], gold: 0 }) + '\n' + jsonl({ id: 'b', context: 'Grass is', choices: ['blue', 'green'], gold: 1 }));
  const task = await loadMultipleChoiceTask(file, 'colours');
  assert.equal(task.name, 'colours');
  assert.deepEqual(task.items[1], { id: 'b', context: 'Grass is', choices: ['blue', 'green'], gold: 1 });
});

test('generic JSONL errors name the file and line', () => {
  const bad = [
    [jsonl({ id: 'a', context: 'c', choices: ['x'], gold: 0 }) + '{not json}\n', /tasks\.jsonl:2: not valid JSON/],
    [jsonl({ id: 'a', context: 'c', choices: ['x'], gold: 3 }), /tasks\.jsonl:1: field "gold" = 3 is out of range/],
    [jsonl({ id: 'a', context: 'c', choices: [], gold: 0 }), /tasks\.jsonl:1: field "choices" must be a non-empty array/],
    [jsonl({ id: 'a', choices: ['x'], gold: 0 }), /tasks\.jsonl:1: field "context" must be a string/],
    ['[1, 2]\n', /tasks\.jsonl:1: expected a JSON object/],
  ] as const;
  for (const [content, message] of bad) {
    assert.throws(() => parseMultipleChoiceJsonl(content, 'tasks.jsonl'), (error: unknown) => error instanceof TaskFileError && message.test(error.message));
  }
});

test('ARC-Easy: "Question: q\\nAnswer:", choices.text, gold = label index of answerKey', () => {
  const [item] = parseHarnessTask('arc_easy', jsonl({ id: 'Mercury_1', question: 'What melts ice?', choices: { text: ['heat', 'cold'], label: ['A', 'B'] }, answerKey: 'A' }), 'arc.jsonl');
  assert.deepEqual(item, { id: 'Mercury_1', context: 'Question: What melts ice?\nAnswer:', choices: ['heat', 'cold'], gold: 0 });
  assert.throws(() => parseHarnessTask('arc_easy', jsonl({ id: 'x', question: 'q', choices: { text: ['a'], label: ['1'] }, answerKey: 'C' }), 'arc.jsonl'), /arc\.jsonl:1: answerKey "C"/);
});

test('COPA: premise without its period + " because"/" therefore", choices as written', () => {
  const items = parseHarnessTask(
    'copa',
    jsonl(
      { premise: 'My body cast a shadow over the grass.', choice1: 'The sun was rising.', choice2: 'The grass was cut.', question: 'cause', label: 0, idx: 0 },
      { premise: 'The man broke his toe. ', choice1: 'He dropped a hammer.', choice2: 'He sat down.', question: 'effect', label: '1', idx: 1 },
    ),
    'copa.jsonl',
  );
  assert.deepEqual(items[0], { id: '0', context: 'My body cast a shadow over the grass because', choices: ['The sun was rising.', 'The grass was cut.'], gold: 0 });
  assert.equal((items[1] as { context: string }).context, 'The man broke his toe therefore');
  assert.equal((items[1] as { gold: number }).gold, 1);
});

test('PIQA and SST-2 prompt formats', () => {
  const [piqa] = parseHarnessTask('piqa', jsonl({ goal: 'Open a jar', sol1: 'twist the lid', sol2: 'shout at it', label: 0 }), 'piqa.jsonl');
  assert.deepEqual(piqa, { id: 'piqa.jsonl:1', context: 'Question: Open a jar\nAnswer:', choices: ['twist the lid', 'shout at it'], gold: 0 });
  const [sst] = parseHarnessTask('sst2', jsonl({ sentence: 'a lovely film ', label: 1, idx: 7 }), 'sst2.jsonl');
  assert.deepEqual(sst, { id: '7', context: 'a lovely film \nQuestion: Is this sentence positive or negative?\nAnswer:', choices: ['negative', 'positive'], gold: 1 });
});

test('BLiMP rows become minimal pairs and LAMBADA rows cloze items; a train file gives few-shot items', async () => {
  const blimp = join(dir, 'blimp.jsonl');
  await writeFile(blimp, jsonl({ sentence_good: 'The cats run.', sentence_bad: 'The cats runs.', pair_id: 3, UID: 'agreement' }));
  const pairs = await loadHarnessTask('blimp', { evalFile: blimp, trainFile: blimp });
  assert.equal(pairs.kind, 'minimal-pair');
  assert.deepEqual(pairs.items, [{ id: '3', good: 'The cats run.', bad: 'The cats runs.' }]);
  assert.equal(pairs.train?.length, 1);
  const [cloze] = parseHarnessTask('lambada_openai', jsonl({ text: 'she fed the cat and the cat purred' }), 'lambada.jsonl');
  assert.deepEqual(cloze, { id: 'lambada.jsonl:1', context: 'she fed the cat and the cat', target: 'purred' });
});

test('GLUE RTE, MRPC, QQP and MNLI: the harness prompts and choices, gold = label as each dataset defines it', () => {
  const cases = [
    // RTE: 0 entailment -> "True", 1 not_entailment -> "False".
    ['rte', { sentence1: 'No weapons were found in Iraq.', sentence2: 'Weapons were found in Iraq.', label: 1, idx: 4 }, 'No weapons were found in Iraq.\nQuestion: Weapons were found in Iraq. True or False?\nAnswer:', ['True', 'False'], 1],
    // MRPC: 0 not_equivalent -> "no", 1 equivalent -> "yes".
    ['mrpc', { sentence1: 'He said so.', sentence2: 'So he said.', label: 1, idx: 4 }, 'Sentence 1: He said so.\nSentence 2: So he said.\nQuestion: Do both sentences mean the same thing?\nAnswer:', ['no', 'yes'], 1],
    // QQP: 0 not_duplicate -> "no", 1 duplicate -> "yes".
    [
      'qqp',
      { question1: 'How do I cook rice?', question2: 'Why is the sky blue?', label: 0, idx: 4 },
      'Question 1: How do I cook rice?\nQuestion 2: Why is the sky blue?\nQuestion: Do both questions ask the same thing?\nAnswer:',
      ['no', 'yes'],
      0,
    ],
  ] as const;
  for (const [name, record, context, choices, gold] of cases) {
    assert.deepEqual(parseHarnessTask(name, jsonl(record), `${name}.jsonl`), [{ id: '4', context, choices, gold }]);
  }
  // MNLI: 0 entailment -> "True", 1 neutral -> "Neither", 2 contradiction -> "False"; the
  // hypothesis is stripped and ends with a period (utils.doc_to_text).
  const mnli = parseHarnessTask(
    'mnli',
    jsonl({ premise: 'The cat slept all day. ', hypothesis: ' The cat was awake ', label: 2, idx: 0 }, { premise: 'A dog ran.', hypothesis: 'An animal ran.', label: 0, idx: 1 }),
    'mnli.jsonl',
  );
  assert.deepEqual(mnli[0], {
    id: '0',
    context: 'The cat slept all day. \nQuestion: The cat was awake. True, False or Neither?\nAnswer:',
    choices: ['True', 'Neither', 'False'],
    gold: 2,
  });
  assert.equal((mnli[1] as { context: string }).context, 'A dog ran.\nQuestion: An animal ran. True, False or Neither?\nAnswer:');
});

test('GLUE lines that cannot be scored are refused with the file, line and field', () => {
  const bad = [
    ['qqp', jsonl({ question1: 'a?', question2: 'b?', label: 1 }, { question1: 'c?', label: 0 }), /qqp\.jsonl:2: field "question2" must be a string/],
    ['rte', jsonl({ sentence1: 'a', sentence2: 'b', label: -1, idx: 0 }), /rte\.jsonl:1: field "label" is -1: GLUE test splits are unlabelled; evaluate the validation split/],
    ['mnli', jsonl({ premise: 'a', hypothesis: 'b', label: 3 }), /mnli\.jsonl:1: field "label" = 3 is out of range for 3 choices/],
    ['mrpc', jsonl({ sentence1: 'a', sentence2: 'b', label: 'yes' }), /mrpc\.jsonl:1: field "label" must be an integer/],
  ] as const;
  for (const [name, content, message] of bad) {
    assert.throws(() => parseHarnessTask(name, content, `${name}.jsonl`), (error: unknown) => error instanceof TaskFileError && message.test(error.message));
  }
});

test('Zorro rows (BabyLM export, BLiMP fields) become minimal pairs; a row without its bad sentence is refused', async () => {
  const zorro = join(dir, 'agreement_subject_verb-across_prepositional_phrase.jsonl');
  const row = { field: 'syntax', linguistic_term: 'agreement_subject_verb', UID: 'across_prepositional_phrase', simple_LM_method: true, lexically_identical: true };
  await writeFile(zorro, jsonl({ ...row, sentence_good: 'The dog on the hill is big.', sentence_bad: 'The dog on the hill are big.', pair_id: 0 }));
  const task = await loadHarnessTask('zorro', { evalFile: zorro });
  assert.equal(task.kind, 'minimal-pair');
  assert.equal(task.name, 'zorro');
  assert.deepEqual(task.items, [{ id: '0', good: 'The dog on the hill is big.', bad: 'The dog on the hill are big.' }]);
  assert.throws(
    () => parseHarnessTask('zorro', jsonl({ ...row, sentence_good: 'a', sentence_bad: 'b', pair_id: 0 }, { ...row, sentence_good: 'c', pair_id: 1 }), 'zorro.jsonl'),
    /zorro\.jsonl:2: field "sentence_bad" must be a string/,
  );
});
