'use client';
// The create-experiment form: a plain form posted to a server action, which validates it
// and answers with errors by field; it works without JavaScript too.
import { useActionState } from 'react';
import type { ExperimentFormValues, FieldErrors } from '../../../lib/experiment-form';
import { submitExperiment, type FormState } from './actions';

function Errors({ errors, field }: { errors: FieldErrors; field: string }) {
  // A field shows its own errors and those of anything below it (e.g. corpus.source under corpus).
  const messages = Object.entries(errors)
    .filter(([path]) => (field === '' ? path === '' : path === field || path.startsWith(`${field}.`)))
    .flatMap(([, m]) => m);
  if (messages.length === 0) return null;
  return (
    <span className="field-error" id={`error-${field || 'form'}`} data-field={field} role="alert">
      {messages.join('; ')}
    </span>
  );
}

function Field({ name, path, label, hint, values, errors, type = 'text' }: { name: keyof ExperimentFormValues; path: string; label: string; hint?: string; values: ExperimentFormValues; errors: FieldErrors; type?: string }) {
  const invalid = Object.keys(errors).some((p) => p === path || p.startsWith(`${path}.`));
  return (
    <label className="field">
      <span>{label}</span>
      <input name={name} type={type} defaultValue={String(values[name])} aria-invalid={invalid || undefined} aria-describedby={invalid ? `error-${path}` : undefined} />
      {hint && <span className="muted small">{hint}</span>}
      <Errors errors={errors} field={path} />
    </label>
  );
}

export function ExperimentForm({ initial }: { initial: ExperimentFormValues }) {
  const [state, action, pending] = useActionState<FormState, FormData>(submitExperiment, { values: null, errors: {} });
  const values = state.values ?? initial;
  const errors = state.errors;
  // A new key after each answer: the inputs take the submitted values as their defaults again.
  return (
    <form action={action} className="experiment-form" key={JSON.stringify(state)} data-testid="experiment-form">
      <Errors errors={errors} field="" />
      <input type="hidden" name="preset" value={values.preset} />
      <Field name="name" path="name" label="Name" values={values} errors={errors} />
      <fieldset>
        <legend>Corpus</legend>
        <Field name="source" path="corpus.source" label="Corpus source" hint="bundled, or a path or glob the corpus service can read (.txt, .jsonl, .jsonl.zst, .parquet)" values={values} errors={errors} />
        <Field name="vocabulary" path="corpus.vocabulary" label="Vocabulary" hint="default (the proxy vocabulary), or the path of a ,word,frequency CSV" values={values} errors={errors} />
      </fieldset>
      <fieldset>
        <legend>Grid (comma-separated)</legend>
        <Field name="hiddenSizes" path="grid.hiddenSizes" label="Hidden sizes" values={values} errors={errors} />
        <Field name="layers" path="grid.layers" label="Layers" values={values} errors={errors} />
        <Field name="seeds" path="grid.seeds" label="Seeds" values={values} errors={errors} />
        <div className="field" role="group" aria-label="Corpus variants">
          <span>Corpus variants</span>
          {(['simplified', 'regular'] as const).map((variant) => (
            <label key={variant} className="inline">
              <input type="checkbox" name="variants" value={variant} defaultChecked={values.variants.includes(variant)} /> {variant}
            </label>
          ))}
          <Errors errors={errors} field="grid.variants" />
        </div>
        <Errors errors={Object.fromEntries(Object.entries(errors).filter(([p]) => p === 'grid'))} field="grid" />
      </fieldset>
      <Field name="tokenBudget" path="tokenBudget" label="Token budget per run" values={values} errors={errors} />
      <Field name="tasks" path="tasks" label="Tasks" hint="comma-separated task ids; empty: the built-in tasks" values={values} errors={errors} />
      <button type="submit" disabled={pending}>
        {pending ? 'Creating…' : 'Create experiment'}
      </button>
    </form>
  );
}
