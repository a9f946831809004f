import Link from 'next/link';
import { databaseTarget, loadExperiments, loadRuns, type RunTableRow } from '../lib/database';
import { formatDate, formatText } from '../lib/format';
import { single, type SearchParams } from '../lib/runs-view';
import { checkServices, type ServiceHealth } from '../lib/services';
import { writeAccess } from '../lib/access';
import { Badge, Empty, ErrorBox, noExperimentsYet, RunsTable } from './components';

export const dynamic = 'force-dynamic';

const recentRuns = 10;

function ServiceCard({ health }: { health: ServiceHealth }) {
  return (
    <section className={`card service service-${health.state}`} data-service={health.service} data-state={health.state}>
      <div className="card-title">
        <h3>{health.service}</h3>
        <Badge state={health.state} />
      </div>
      <p className="muted mono small">{health.url}</p>
      {health.state === 'down' ? (
        <p className="detail">{health.error}</p>
      ) : (
        <ul className="checks">
          {Object.entries(health.report.checks).map(([name, check]) => (
            <li key={name}>
              <span className={check.ok ? 'dot dot-ok' : 'dot dot-bad'} aria-label={check.ok ? 'ok' : 'failing'} />
              <strong>{name}</strong> <span className="detail">{check.detail}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function stateCounts(runs: RunTableRow[], experimentId: string): string {
  const counts = new Map<string, number>();
  for (const run of runs) if (run.experimentId === experimentId) counts.set(run.state, (counts.get(run.state) ?? 0) + 1);
  if (counts.size === 0) return 'no runs';
  return [...counts].map(([state, n]) => `${n} ${state}`).join(', ');
}

export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const [health, experiments, runs] = await Promise.all([checkServices(), loadExperiments(), loadRuns()]);
  const target = databaseTarget();
  // After the create-experiment form: which experiment it created (or resumed).
  const createdId = single(params, 'created') ?? single(params, 'resumed');
  const created = createdId && experiments.ok ? experiments.value.find((e) => e.id === createdId) : undefined;
  return (
    <>
      <h1>Overview</h1>

      <h2>Services</h2>
      {health.problem && <ErrorBox title="Service addresses">{health.problem}</ErrorBox>}
      <div className="cards">
        {health.services.map((h) => (
          <ServiceCard key={h.service} health={h} />
        ))}
      </div>

      <h2>Experiments</h2>
      {created && (
        <p className="notice" role="status" data-testid="created-notice">
          Experiment <strong>{created.name}</strong> {single(params, 'resumed') ? 'resumed' : 'created'} and announced to the services: the corpus service
          prepares its corpora, then its runs are queued.
        </p>
      )}
      <p className="muted small">
        Database: {target.kind} <span className="mono">{target.display}</span>
        {(await writeAccess()).allowed && (
          <>
            {' '}
            · <Link href="/experiments/new">New experiment</Link>
          </>
        )}
      </p>
      {!experiments.ok ? (
        <ErrorBox title="The experiments could not be read from the database">{experiments.error}</ErrorBox>
      ) : experiments.value.length === 0 ? (
        <Empty>{noExperimentsYet}</Empty>
      ) : (
        <div className="table-wrap">
          <table className="data" data-testid="experiments-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>Id</th>
                <th>Preset</th>
                <th>State</th>
                <th>Created</th>
                <th>Runs</th>
                <th>Views</th>
              </tr>
            </thead>
            <tbody>
              {experiments.value.map((e) => (
                <tr key={e.id} data-experiment-id={e.id}>
                  <td>
                    <Link href={`/runs?experiment=${encodeURIComponent(e.id)}`}>{e.name}</Link>
                  </td>
                  <td className="mono">{e.id}</td>
                  <td>{formatText(e.preset)}</td>
                  <td>{e.state ? <Badge state={e.state} /> : '—'}</td>
                  <td>{formatDate(e.createdAt)}</td>
                  <td>{runs.ok ? stateCounts(runs.value, e.id) : '—'}</td>
                  <td className="small">
                    <Link href={`/curves?experiment=${encodeURIComponent(e.id)}`}>curves</Link> · <Link href={`/scaling?experiment=${encodeURIComponent(e.id)}`}>scaling</Link> ·{' '}
                    <Link href={`/evaluations?experiment=${encodeURIComponent(e.id)}`}>evaluations</Link> ·{' '}
                    <Link href={`/corpus?experiment=${encodeURIComponent(e.id)}`}>corpus</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Runs</h2>
      {!runs.ok ? (
        <ErrorBox title="The runs could not be read from the database">{runs.error}</ErrorBox>
      ) : runs.value.length === 0 ? (
        <Empty>
          No runs yet: start one with <code>npm start</code> (the demo experiment queues its grid of runs).
        </Empty>
      ) : (
        <>
          <RunsTable runs={runs.value.slice(0, recentRuns)} />
          {runs.value.length > recentRuns && (
            <p className="muted">
              Showing {recentRuns} of {runs.value.length} runs. <Link href="/runs">All runs</Link>
            </p>
          )}
        </>
      )}
    </>
  );
}
