import { healthReport, serviceNames } from '@downscale/contracts';
import { servicePort } from '@downscale/service-kit';

/** One line per service from its HTTP health endpoint; true when all are healthy. */
export async function status(servicePortBase: number): Promise<{ lines: string[]; healthy: boolean }> {
  const results = await Promise.all(
    serviceNames.map(async (service) => {
      const url = `http://127.0.0.1:${servicePort(service, servicePortBase)}/health`;
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(3_000) });
        const report = healthReport.parse(await response.json());
        const checks = Object.entries(report.checks).map(([name, c]) => `${name} ${c.ok ? 'ok' : 'FAIL: ' + c.detail}`);
        return { ok: report.status === 'ok', line: `${service.padEnd(10)} ${report.status.padEnd(9)} ${checks.join(', ')}` };
      } catch (error) {
        return { ok: false, line: `${service.padEnd(10)} down      ${url}: ${(error as Error).message}` };
      }
    }),
  );
  return { lines: results.map((r) => r.line), healthy: results.every((r) => r.ok) };
}
