import type { Metadata } from 'next';
import Link from 'next/link';
import { loadRuns } from '../../lib/database';
import { Empty, ErrorBox, RunsTable } from '../components';

export const dynamic = 'force-dynamic';
export const metadata: Metadata = { title: 'Runs' };

export default async function RunsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { experiment } = await searchParams;
  const experimentId = typeof experiment === 'string' && experiment ? experiment : undefined;
  const runs = await loadRuns(experimentId ? { experimentId } : {});
  return (
    <>
      <h1>Runs</h1>
      {experimentId && (
        <p className="muted">
          Experiment <span className="mono">{experimentId}</span> · <Link href="/runs">all runs</Link>
        </p>
      )}
      {!runs.ok ? (
        <ErrorBox title="The runs could not be read from the database">{runs.error}</ErrorBox>
      ) : runs.value.length === 0 ? (
        <Empty>No runs yet. Submit an experiment (for example with <code>downscale submit</code>) and one run per grid point will appear here.</Empty>
      ) : (
        <>
          <p className="muted">{runs.value.length === 1 ? '1 run' : `${runs.value.length} runs`}</p>
          <RunsTable runs={runs.value} />
        </>
      )}
    </>
  );
}
