import type { Metadata } from 'next';
import { isPreset, presetSpec, presets } from '../../../lib/create-experiment';
import { formValues } from '../../../lib/experiment-form';
import { single, type SearchParams } from '../../../lib/runs-view';
import { writeAccess } from '../../../lib/access';
import { ErrorBox, Toggle } from '../../components';
import { ExperimentForm } from './form';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'New experiment' };

export default async function NewExperimentPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const policy = await writeAccess();
  if (!policy.allowed) {
    return (
      <>
        <h1>New experiment</h1>
        <ErrorBox title="This dashboard only reads for you">
          It does not create experiments: {policy.reason}. From a machine of the lab, <code>npx downscale up --spec my-study.json</code> starts one.
        </ErrorBox>
      </>
    );
  }
  const requested = single(params, 'preset');
  const preset = isPreset(requested) ? requested : 'demo';
  const base = await presetSpec(preset);
  return (
    <>
      <h1>New experiment</h1>
      <p className="controls">
        <span className="toggle-group" role="group" aria-label="preset">
          <span>Fill from the preset</span>
          {presets.map((p) => (
            <Toggle key={p} href={`/experiments/new?preset=${p}`} active={p === preset}>
              {p}
            </Toggle>
          ))}
        </span>
      </p>
      <p className="muted small">
        The preset also gives what the form does not show: context length {base.contextLength}, a tokenizer of {base.tokenizerVocabSize.toLocaleString('en-US')} tokens and
        its training settings. Creating stores the experiment and announces it to the services (<code>experiment.created</code>); submitting a spec that
        already exists resumes that experiment.
      </p>
      <ExperimentForm key={preset} initial={formValues(base)} />
    </>
  );
}
