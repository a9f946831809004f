// POST /api/experiments: create an experiment from the fields of the /experiments/new form
// (form-encoded), for scripts; authorised and validated on the server exactly as the form is.
// 201 with its id, 400 with the errors by field path, 401 without sign-in, 403 for a viewer
// or a dashboard that only reads.
import { currentSession } from '../../../lib/access';
import { createExperiment } from '../../../lib/create-experiment';
import { valuesOf } from '../../../lib/experiment-form';
import { signInRequired } from '../../../lib/users';
import { writePolicy } from '../../../lib/writes';

export const dynamic = 'force-dynamic';

const json = (body: unknown, status: number) => Response.json(body, { status, headers: { 'cache-control': 'no-store' } });

export async function POST(request: Request): Promise<Response> {
  const session = await currentSession();
  if (signInRequired() && !session) return json({ error: 'sign in first (/signin)' }, 401);
  const policy = writePolicy(process.env, session);
  if (!policy.allowed) return json({ error: `this dashboard does not create experiments for you: ${policy.reason}` }, 403);
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return json({ error: 'send the form fields of /experiments/new as application/x-www-form-urlencoded or multipart/form-data' }, 415);
  }
  const outcome = await createExperiment(valuesOf(form));
  if (!outcome.ok) return json({ errors: outcome.errors }, 400);
  return json({ experimentId: outcome.experimentId, resumed: outcome.resumed }, outcome.resumed ? 200 : 201);
}
