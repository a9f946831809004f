// The create-experiment form's fields, to and from an experiment spec, and the spec's
// validation errors by field path. Pure (zod only): the server validates with the contract.
import { experimentSpec, type ExperimentSpec } from '@downscale/contracts';

/** The form's fields; `preset` also supplies what the form does not show (context, tokenizer, training). */
export interface ExperimentFormValues {
  name: string;
  preset: string;
  source: string;
  vocabulary: string;
  hiddenSizes: string;
  layers: string;
  variants: string[];
  seeds: string;
  tokenBudget: string;
  tasks: string;
}

/** Field path (e.g. `grid.hiddenSizes`, or `` for the form) to its messages. */
export type FieldErrors = Record<string, string[]>;

export function formValues(spec: ExperimentSpec): ExperimentFormValues {
  return {
    name: spec.name,
    preset: spec.preset,
    source: spec.corpus.source,
    vocabulary: spec.corpus.vocabulary,
    hiddenSizes: spec.grid.hiddenSizes.join(', '),
    layers: spec.grid.layers.join(', '),
    variants: [...spec.grid.variants],
    seeds: spec.grid.seeds.join(', '),
    tokenBudget: String(spec.tokenBudget),
    tasks: spec.tasks.join(', '),
  };
}

/** The values of a submitted form. */
export function valuesOf(form: FormData): ExperimentFormValues {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === 'string' ? value : '';
  };
  return {
    name: text('name'),
    preset: text('preset'),
    source: text('source'),
    vocabulary: text('vocabulary'),
    hiddenSizes: text('hiddenSizes'),
    layers: text('layers'),
    variants: form.getAll('variants').filter((v): v is string => typeof v === 'string'),
    seeds: text('seeds'),
    tokenBudget: text('tokenBudget'),
    tasks: text('tasks'),
  };
}

/** `16, 32 64` -> [16, 32, 64]; a word that is no number stays as NaN, which the schema names. */
const list = (text: string) => text.split(/[\s,]+/).filter(Boolean);
const numbers = (text: string) => list(text).map((item) => (/^[+-]?\d+(\.\d+)?(e\d+)?$/i.test(item) ? Number(item) : Number.NaN));
const integer = (text: string) => (text.trim() === '' ? Number.NaN : Number(text.replaceAll(/[\s,_]/g, '')));

/** The spec the form describes, on top of its preset's (`base`), validated by the contract. */
export function specFromValues(values: ExperimentFormValues, base: ExperimentSpec): { ok: true; spec: ExperimentSpec } | { ok: false; errors: FieldErrors } {
  const candidate = {
    ...base,
    name: values.name.trim(),
    preset: values.preset,
    corpus: { source: values.source.trim(), vocabulary: values.vocabulary.trim() },
    grid: { hiddenSizes: numbers(values.hiddenSizes), layers: numbers(values.layers), variants: values.variants, seeds: numbers(values.seeds) },
    tokenBudget: integer(values.tokenBudget),
    tasks: list(values.tasks),
  };
  const parsed = experimentSpec.safeParse(candidate);
  if (parsed.success) return { ok: true, spec: parsed.data };
  const errors: FieldErrors = {};
  for (const issue of parsed.error.issues) {
    // A list item's error belongs to the list's field, and says which item.
    const index = issue.path.findIndex((part) => typeof part === 'number');
    const field = (index === -1 ? issue.path : issue.path.slice(0, index)).join('.');
    const message = index === -1 ? issue.message : `item ${(issue.path[index] as number) + 1}: ${issue.message}`;
    (errors[field] ??= []).push(message);
  }
  return { ok: false, errors };
}
