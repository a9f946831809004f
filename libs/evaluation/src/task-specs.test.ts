import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
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

  it('refuses a cap that is not a positive integer', async () => {
    await assert.rejects(resolveTasks(['builtin'], { maxItems: 0 }), /maxItems must be a positive integer/);
  });
});
