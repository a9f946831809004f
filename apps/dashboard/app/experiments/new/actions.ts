'use server';
// The create-experiment form's server action: authorised and validated here, on the server.
import { redirect } from 'next/navigation';
import { createExperiment } from '../../../lib/create-experiment';
import { valuesOf, type ExperimentFormValues, type FieldErrors } from '../../../lib/experiment-form';
import { writeAccess } from '../../../lib/access';

export interface FormState {
  values: ExperimentFormValues | null;
  errors: FieldErrors;
}

export async function submitExperiment(_previous: FormState, form: FormData): Promise<FormState> {
  const values = valuesOf(form);
  const policy = await writeAccess();
  if (!policy.allowed) return { values, errors: { '': [`This dashboard does not create experiments: ${policy.reason}.`] } };
  const outcome = await createExperiment(values);
  if (!outcome.ok) return { values, errors: outcome.errors };
  redirect(`/?${outcome.resumed ? 'resumed' : 'created'}=${encodeURIComponent(outcome.experimentId)}`);
}
