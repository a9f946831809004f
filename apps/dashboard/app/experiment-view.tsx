// The start of every per-experiment view: which experiment it shows, or what to show instead.
import Link from 'next/link';
import type { ReactElement } from 'react';
import { loadExperiments, type ExperimentRow } from '../lib/database';
import { single, type SearchParams } from '../lib/runs-view';
import { Empty, ErrorBox, noExperimentsYet, pickExperiment } from './components';

export type ExperimentView = { experiment: ExperimentRow; experiments: ExperimentRow[] } | { page: ReactElement };

/**
 * The experiment of the URL's `experiment` parameter (else the newest) with the list for the
 * picker; or the page to render instead when the database cannot be read or there is no such
 * experiment. `title` heads that page; `path` is the view's own URL.
 */
export async function experimentView(params: SearchParams, title: string, path: string): Promise<ExperimentView> {
  const experiments = await loadExperiments();
  if (!experiments.ok) return { page: <ErrorBox title="The experiments could not be read from the database">{experiments.error}</ErrorBox> };
  const requested = single(params, 'experiment');
  const experiment = pickExperiment(experiments.value, requested);
  if (experiment) return { experiment, experiments: experiments.value };
  return {
    page: (
      <>
        <h1>{title}</h1>
        <Empty>{requested ? <>There is no experiment {requested}. <Link href={path}>Show the newest one</Link>.</> : noExperimentsYet}</Empty>
      </>
    ),
  };
}
