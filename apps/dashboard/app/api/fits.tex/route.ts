// The latest version of each fitted law of an experiment as a LaTeX table (booktabs), with
// 95% intervals: GET /api/fits.tex?experiment=<id>.
import { loadExperiments, loadFits } from '../../../lib/database';
import { fitsLatexTable } from '../../../lib/fits-latex';
import { latestVersions } from '../../../lib/scaling-view';

export const dynamic = 'force-dynamic';

const text = (body: string, status: number) => new Response(`${body}\n`, { status, headers: { 'content-type': 'text/plain; charset=utf-8' } });

export async function GET(request: Request): Promise<Response> {
  const id = new URL(request.url).searchParams.get('experiment');
  if (!id) return text('say which experiment: /api/fits.tex?experiment=<id> (the scaling view links it)', 400);
  const [experiments, fits] = await Promise.all([loadExperiments(), loadFits(id)]);
  if (!experiments.ok) return text(experiments.error, 503);
  if (!fits.ok) return text(fits.error, 503);
  const experiment = experiments.value.find((e) => e.id === id);
  if (!experiment) return text(`there is no experiment ${id}`, 404);
  const { latest } = latestVersions(fits.value);
  if (latest.length === 0) return text(`experiment ${id} has no fitted law yet: the scaling service fits once runs of 3 model sizes have completed`, 404);
  const table = fitsLatexTable(latest, `Scaling laws fitted on ${experiment.name} (${experiment.id}): estimates with 95\u00a0% bootstrap intervals.`);
  return new Response(table, {
    headers: {
      'content-type': 'application/x-tex; charset=utf-8',
      'content-disposition': `attachment; filename="fits-${id.replace(/[^\w.-]+/g, '-')}.tex"`,
      'cache-control': 'no-store',
    },
  });
}
