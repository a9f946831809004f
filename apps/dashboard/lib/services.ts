// Health of the four services, read server-side from each service's `GET /health`.
import { serviceNames, type HealthReport, type ServiceName } from '@downscale/contracts';

/** Local defaults; `DOWNSCALE_SERVICE_URLS` (a JSON object service -> base URL) overrides them. */
export const defaultServiceUrls: Record<ServiceName, string> = {
  corpus: 'http://127.0.0.1:4101',
  trainer: 'http://127.0.0.1:4102',
  evaluator: 'http://127.0.0.1:4103',
  scaling: 'http://127.0.0.1:4104',
};

const healthTimeoutMs = 2_000;

export type ServiceHealth =
  | { service: ServiceName; url: string; state: 'ok' | 'degraded'; report: HealthReport }
  | { service: ServiceName; url: string; state: 'down'; error: string };

export interface ServiceUrls {
  urls: Record<ServiceName, string>;
  /** Set when DOWNSCALE_SERVICE_URLS could not be used; the defaults apply then. */
  problem?: string;
}

export function serviceUrls(env: NodeJS.ProcessEnv = process.env): ServiceUrls {
  const raw = env.DOWNSCALE_SERVICE_URLS;
  if (!raw) return { urls: { ...defaultServiceUrls } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (error) {
    return { urls: { ...defaultServiceUrls }, problem: `DOWNSCALE_SERVICE_URLS is not valid JSON (${(error as Error).message}); using the defaults` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { urls: { ...defaultServiceUrls }, problem: 'DOWNSCALE_SERVICE_URLS must be a JSON object such as {"corpus":"http://127.0.0.1:4101"}; using the defaults' };
  }
  const urls = { ...defaultServiceUrls };
  const problems: string[] = [];
  for (const [service, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (!(serviceNames as readonly string[]).includes(service)) {
      problems.push(`unknown service "${service}"`);
    } else if (typeof value !== 'string' || !/^https?:\/\/\S+$/.test(value)) {
      problems.push(`${service}: ${JSON.stringify(value)} is not an http(s) URL`);
    } else {
      urls[service as ServiceName] = value.replace(/\/+$/, '');
    }
  }
  return problems.length ? { urls, problem: `DOWNSCALE_SERVICE_URLS: ${problems.join('; ')}` } : { urls };
}

/** Reads a health report leniently: extra fields a newer service adds do not make it "down". */
function readReport(body: unknown): HealthReport | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { service, status, checks } = body as Record<string, unknown>;
  if (status !== 'ok' && status !== 'degraded') return undefined;
  const report: HealthReport = { service: typeof service === 'string' ? service : '', status, checks: {} };
  if (typeof checks === 'object' && checks !== null) {
    for (const [name, check] of Object.entries(checks as Record<string, unknown>)) {
      const c = (check ?? {}) as Record<string, unknown>;
      report.checks[name] = { ok: c.ok === true, detail: typeof c.detail === 'string' ? c.detail : '' };
    }
  }
  return report;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError' || error.name === 'AbortError') return `no answer within ${healthTimeoutMs} ms`;
  // fetch() wraps the socket error (ECONNREFUSED, ENOTFOUND...) in `cause`.
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code) ? `${code}: ${cause.message}` : cause.message;
  }
  return error.message;
}

export async function checkService(service: ServiceName, baseUrl: string): Promise<ServiceHealth> {
  const url = `${baseUrl}/health`;
  try {
    const response = await fetch(url, { cache: 'no-store', signal: AbortSignal.timeout(healthTimeoutMs), headers: { accept: 'application/json' } });
    const body: unknown = await response.json().catch(() => undefined);
    const report = readReport(body);
    if (!report) {
      return { service, url: baseUrl, state: 'down', error: `HTTP ${response.status} ${response.statusText}: not a health report` };
    }
    // 200 with status ok, 503 with status degraded: the body says which.
    return { service, url: baseUrl, state: report.status, report };
  } catch (error) {
    return { service, url: baseUrl, state: 'down', error: describe(error) };
  }
}

/** Asks every service at once; never throws, an unreachable service comes back as `down`. */
export async function checkServices(env: NodeJS.ProcessEnv = process.env): Promise<{ services: ServiceHealth[]; problem?: string }> {
  const { urls, problem } = serviceUrls(env);
  const services = await Promise.all(serviceNames.map((s) => checkService(s, urls[s])));
  return problem ? { services, problem } : { services };
}
