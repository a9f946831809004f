// Readiness probe: 200 `{ status: 'ok' }` when the database answers, 503 `degraded` otherwise.
import { checkDatabase } from '../../../lib/database';

export const dynamic = 'force-dynamic';

export async function GET() {
  const database = await checkDatabase();
  return Response.json(
    { service: 'dashboard', status: database.ok ? 'ok' : 'degraded', checks: { database } },
    { status: database.ok ? 200 : 503, headers: { 'cache-control': 'no-store' } },
  );
}
