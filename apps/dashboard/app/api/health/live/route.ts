// Liveness probe: the process answers; the database is readiness's concern.
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ service: 'dashboard', status: 'ok' }, { headers: { 'cache-control': 'no-store' } });
}
