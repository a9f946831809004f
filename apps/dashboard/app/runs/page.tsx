import type { Metadata } from 'next';
import Link from 'next/link';
import { loadExperiments, loadRuns } from '../../lib/database';
import { applyRunsQuery, parseRunsQuery, runsQueryString, type SearchParams } from '../../lib/runs-view';
import { Empty, ErrorBox, RunsTable } from '../components';
import { LiveRefresh } from '../live';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Runs' };

const states = ['queued', 'running', 'completed', 'failed', 'cancelled'];
const variants = ['simplified', 'regular'];

export default async function RunsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const query = parseRunsQuery(await searchParams);
  const [runs, experiments] = await Promise.all([loadRuns(query.experiment ? { experimentId: query.experiment } : {}), loadExperiments()]);
  const shown = runs.ok ? applyRunsQuery(runs.value, query) : [];
  const filtered = Boolean(query.state || query.variant || query.search);
  return (
    <>
      <div className="title-row">
        <h1>Runs</h1>
        <LiveRefresh kinds={['metrics', 'run']} />
      </div>
      {query.experiment && (
        <p className="muted">
          Experiment <span className="mono">{query.experiment}</span> · <Link href={`/runs${runsQueryString({ ...query, experiment: undefined })}`}>all runs</Link>
        </p>
      )}
      <form className="controls" action="/runs" method="get" aria-label="Filter runs">
        <label>
          Experiment
          <select name="experiment" defaultValue={query.experiment ?? ''}>
            <option value="">all</option>
            {experiments.ok &&
              experiments.value.map((e) => (
                <option key={e.id} value={e.id}>
                  {e.name}
                </option>
              ))}
          </select>
        </label>
        <label>
          State
          <select name="state" defaultValue={query.state ?? ''}>
            <option value="">any</option>
            {states.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
        <label>
          Variant
          <select name="variant" defaultValue={query.variant ?? ''}>
            <option value="">any</option>
            {variants.map((v) => (
              <option key={v}>{v}</option>
            ))}
          </select>
        </label>
        <label>
          Search
          <input type="search" name="q" defaultValue={query.search ?? ''} placeholder="run id or backend" />
        </label>
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <button type="submit">Apply</button>
      </form>
      {!runs.ok ? (
        <ErrorBox title="The runs could not be read from the database">{runs.error}</ErrorBox>
      ) : runs.value.length === 0 ? (
        <Empty>
          No runs yet: start the demo experiment with <code>npm start</code>; one run per grid point appears here as soon as its corpus is ready.
        </Empty>
      ) : shown.length === 0 ? (
        <Empty>
          No run matches these filters. <Link href="/runs">Clear the filters</Link>.
        </Empty>
      ) : (
        <form action="/curves" method="get">
          <div className="controls">
            <span className="muted">
              {shown.length === runs.value.length ? `${shown.length} runs` : `${shown.length} of ${runs.value.length} runs`}
              {filtered ? ' (filtered)' : ''}
            </span>
            <button type="submit">Compare the selected runs’ curves</button>
            <a href={`/api/runs.csv${runsQueryString(query)}`} download>
              Download CSV
            </a>
          </div>
          <RunsTable runs={shown} query={query} selectable />
        </form>
      )}
    </>
  );
}
