// The runs table as CSV: the same filters and order as /runs, from the same query string.
import { loadRuns } from '../../../lib/database';
import { applyRunsQuery, parseRunsQuery, runsCsv } from '../../../lib/runs-view';

export const dynamic = 'force-dynamic';

export async function GET(request: Request): Promise<Response> {
  const query = parseRunsQuery(Object.fromEntries(new URL(request.url).searchParams));
  const runs = await loadRuns(query.experiment ? { experimentId: query.experiment } : {});
  if (!runs.ok) return new Response(`${runs.error}\n`, { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  return new Response(runsCsv(applyRunsQuery(runs.value, query)), {
    headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': 'attachment; filename="runs.csv"', 'cache-control': 'no-store' },
  });
}
