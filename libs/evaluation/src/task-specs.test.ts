import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { FakeModel } from './fake-model.test-helper.js';
import { scoreTask } from './scoring.js';
import { BUILTIN_TASK_NAMES, resolveTasks } from './task-specs.js';

describe('resolveTasks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'task-specs-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, lines: object[]) => {
    const file = join(dir, name);
    writeFileSync(file, lines.map((line) => JSON.stringify(line)).join('\n'));
    return file;
  };

  it('gives the three built-in tasks for "builtin", each original and simplified, capped', async () => {
    const vocabulary = new Set('the a cat dog sat ran on in and was he she it to of said little big'.split(' '));
    const { tasks, errors } = await resolveTasks(['builtin', 'builtin/last-word'], { maxItems: 5, vocabulary });
    assert.deepEqual(errors, []);
    assert.deepEqual(
      tasks.map((t) => `${t.name}:${t.version}`),
      BUILTIN_TASK_NAMES.flatMap((name) => [`${name}:original`, `${name}:simplified`]),
    );
    for (const { task, version, report } of tasks) {
      assert.ok(task.items.length <= 5);
      if (version === 'original') assert.equal(task.items.length, 5);
      else assert.ok(report && report.total > 0, 'a simplified version carries its filter report');
    }
  });

  it('loads generic and harness files, filters their simplified version, and reports what it cannot resolve', async () => {
    const generic = write('mc.jsonl', [
      { id: 'x', context: 'the cat sat on the', choices: ['mat', 'sky'], gold: 0 },
      { id: 'y', context: 'the zebra sat on the', choices: ['mat', 'sky'], gold: 0 },
      { id: 'z', context: 'the dog ran to the', choices: ['park', 'sky'], gold: 0 },
    ]);
    const copa = write('copa.jsonl', [{ premise: 'The man broke his toe.', choice1: 'He dropped a hammer.', choice2: 'He sat down.', question: 'cause', label: 0, idx: 0 }]);
    const vocabulary = new Set('the cat sat on mat sky dog ran to park'.split(' '));
    const { tasks, errors } = await resolveTasks([generic, `copa:${copa}`, 'no-such-task', join(dir, 'missing.jsonl')], { maxItems: 2, vocabulary });
    assert.deepEqual(
      tasks.map((t) => [t.name, t.version, t.task.items.map((i) => i.id)]),
      [
        [generic, 'original', ['x', 'y']],
        [generic, 'simplified', ['x', 'z']],
        ['copa', 'original', ['0']],
        ['copa', 'simplified', []],
      ],
    );
    assert.equal(errors.length, 2);
    assert.match(errors[0]!, /task "no-such-task" is not a task name or task file; accepted: builtin\/last-word/);
    assert.match(errors[1]!, /missing\.jsonl/);
  });

  it('resolves RTE (with its train split), MNLI and Zorro, simplifies them and scores them end to end', async () => {
    const rteEval = write('rte-validation.jsonl', [
      { sentence1: 'The cat sat on the mat.', sentence2: 'The cat sat.', label: 0, idx: 0 },
      { sentence1: 'The dog ran to the park.', sentence2: 'The dog sat.', label: 1, idx: 1 },
      { sentence1: 'The zebra sat on the mat.', sentence2: 'The zebra sat.', label: 0, idx: 2 },
    ]);
    const rteTrain = write('rte-train.jsonl', [{ sentence1: 'The dog sat on the mat.', sentence2: 'The dog sat.', label: 0, idx: 0 }]);
    const mnli = write('mnli-validation_matched.jsonl', [
      { premise: 'The cat sat.', hypothesis: 'The cat ran', label: 2, idx: 0 },
      { premise: 'The zebra sat.', hypothesis: 'The zebra ran', label: 2, idx: 1 },
    ]);
    const zorro = write('zorro.jsonl', [
      { sentence_good: 'The cat is on the mat.', sentence_bad: 'The cat are on the mat.', field: 'syntax', linguistic_term: 'agreement_subject_verb', UID: 'x', pair_id: 0 },
      { sentence_good: 'The zebra is on the mat.', sentence_bad: 'The zebra are on the mat.', field: 'syntax', linguistic_term: 'agreement_subject_verb', UID: 'x', pair_id: 1 },
    ]);
    const vocabulary = new Set('the cat sat on mat dog ran to park is are question true false or neither answer'.split(' '));
    const { tasks, errors } = await resolveTasks([`rte:${rteEval},${rteTrain}`, `mnli:${mnli}`, `zorro:${zorro}`], { vocabulary });
    assert.deepEqual(errors, []);
    assert.deepEqual(
      tasks.map((t) => [t.name, t.version, t.task.kind, t.task.items.map((i) => i.id)]),
      [
        ['rte', 'original', 'multiple-choice', ['0', '1', '2']],
        ['rte', 'simplified', 'multiple-choice', ['0', '1']],
        ['mnli', 'original', 'multiple-choice', ['0', '1']],
        ['mnli', 'simplified', 'multiple-choice', ['0']],
        ['zorro', 'original', 'minimal-pair', ['0', '1']],
        ['zorro', 'simplified', 'minimal-pair', ['0']],
      ],
    );
    assert.deepEqual(tasks[1]!.report?.oovWords, [{ word: 'zebra', items: 1 }]);
    // A model that says " True" when the question (after any demonstrations) is about the cat,
    // and prefers sentences with "is".
    const model = new FakeModel(({ context, continuation }) => {
      const question = context.split('\n\n').at(-1) as string;
      const truth = question.includes('cat') ? ' True' : ' False';
      if (continuation === ' True' || continuation === ' False') return { logprob: continuation === truth ? -1 : -2, isGreedy: false };
      return { logprob: continuation.includes(' is ') ? -1 : -3, isGreedy: false };
    });
    const scored = await Promise.all(tasks.map(({ task }) => scoreTask(model, task)));
    assert.deepEqual(
      scored.map((result) => [result.task, result.n, result.acc]),
      [
        ['rte', 3, 2 / 3],
        ['rte:simplified', 2, 1],
        ['mnli', 2, 0.5], // " False" is right for the zebra only
        ['mnli:simplified', 1, 0],
        ['zorro', 2, 1],
        ['zorro:simplified', 1, 1],
      ],
    );
    assert.ok(tasks.every((t) => t.fewShot === 0));
  });

  it('scores "<spec>@k" k-shot from the train split, under its own name; refuses k-shot pairs and too small train splits', async () => {
    const rteEval = write('rte-dev.jsonl', [{ sentence1: 'The cat sat on the mat.', sentence2: 'The cat sat.', label: 0, idx: 0 }]);
    const rteTrain = write('rte-train-1.jsonl', [{ sentence1: 'The dog sat on the mat.', sentence2: 'The dog sat.', label: 0, idx: 0 }]);
    const zorro = write('zorro-pairs.jsonl', [{ sentence_good: 'The cat is here.', sentence_bad: 'The cat are here.', pair_id: 0 }]);
    const vocabulary = new Set('the cat sat on mat dog question true or false answer'.split(' '));
    const rte = `rte:${rteEval},${rteTrain}`;
    const { tasks, errors } = await resolveTasks([rte, `${rte}@1`, `${rte}@2`, `zorro:${zorro}@1`, `rte:${rteEval}@1`], { vocabulary });
    assert.deepEqual(
      tasks.map((t) => [t.name, t.version, t.fewShot]),
      [
        ['rte', 'original', 0],
        ['rte', 'simplified', 0],
        ['rte@1', 'original', 1],
        ['rte@1', 'simplified', 1],
      ],
    );
    assert.equal(errors.length, 5);
    assert.match(errors[0]!, /^task "rte@2" \(original\): 2 demonstrations asked, but its train split has 1 items; give a train split of at least 2 items/);
    assert.match(errors[2]!, /^task "zorro:.*zorro-pairs\.jsonl@1": minimal pairs are scored zero-shot .*; drop the @1$/);
    assert.match(errors[3]!, /^task "rte@1" \(original\): 1 demonstrations asked, but its train split has 0 items/);
    // One demonstration, formatted as the harness does: "context target", a blank line, the item.
    const model = new FakeModel(() => ({ logprob: -1, isGreedy: false }));
    const { task, fewShot } = tasks[3]!;
    await scoreTask(model, task, { fewShot: { k: fewShot } });
    assert.equal(model.requests[0]!.context, 'The dog sat on the mat.\nQuestion: The dog sat. True or False?\nAnswer: True\n\nThe cat sat on the mat.\nQuestion: The cat sat. True or False?\nAnswer:');
    // The default k of specs without "@k" (downscale eval --fewshot); pairs stay zero-shot.
    const defaulted = await resolveTasks([rte, `zorro:${zorro}`], { fewShot: 1 });
    assert.deepEqual(defaulted.errors, []);
    assert.deepEqual(defaulted.tasks.map((t) => [t.name, t.fewShot]), [['rte@1', 1], ['zorro', 0]]);
  });

  it('reports a malformed harness line with its file and line', async () => {
    const qqp = write('qqp-bad.jsonl', [{ question1: 'Is it?', question2: 'Is it so?', label: 1, idx: 0 }, { question1: 'Why?', label: 0, idx: 1 }]);
    const { tasks, errors } = await resolveTasks([`qqp:${qqp}`]);
    assert.deepEqual(tasks, []);
    assert.deepEqual(errors, [`task "qqp:${qqp}": ${qqp}:2: field "question2" must be a string`]);
  });

  it('refuses a cap that is not a positive integer', async () => {
    await assert.rejects(resolveTasks(['builtin'], { maxItems: 0 }), /maxItems must be a positive integer/);
  });
});
