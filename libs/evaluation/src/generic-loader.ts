/**
 * The generic multiple-choice JSONL format: one item per line,
 * `{"id": "...", "context": "...", "choices": ["...", ...], "gold": index}`.
 */
import { readFile } from 'node:fs/promises';
import { FieldReader, parseJsonl } from './jsonl.js';
import { HARNESS_PROMPT_FORMAT, type MultipleChoiceItem, type MultipleChoiceTask } from './tasks.js';

/** Parses generic multiple-choice JSONL; `file` names the source in errors. */
export function parseMultipleChoiceJsonl(content: string, file: string): MultipleChoiceItem[] {
  return parseJsonl(content, file).map((record) => {
    const fields = new FieldReader(record, file);
    const choices = fields.strings('choices');
    return {
      id: fields.id(),
      context: fields.string('context'),
      choices,
      gold: fields.checkIndex('gold', fields.integer('gold'), choices.length),
    };
  });
}

/** Loads a generic multiple-choice task file; errors name the file and line. */
export async function loadMultipleChoiceTask(file: string, name = file): Promise<MultipleChoiceTask> {
  const items = parseMultipleChoiceJsonl(await readFile(file, 'utf8'), file);
  return { kind: 'multiple-choice', name, items, format: HARNESS_PROMPT_FORMAT };
}
