import { readFile } from 'node:fs/promises';
import { openDatabase, ScalingFit } from '@downscale/persistence';
import { fitLaw, isLawName, LAW_NAMES, parseScalingCsv, type LawName } from '@downscale/scaling-laws';
import type { StackOptions } from '../stack/options.js';

/** `downscale fit --input points.csv --law L`: the law's parameters, intervals and R². */
export async function fitCsv(path: string, law: string, bootstrap: number): Promise<Record<string, unknown>> {
  if (!isLawName(law)) throw new Error(`--law ${JSON.stringify(law)} is not a law: use one of ${LAW_NAMES.join(', ')}`);
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    throw new Error(`cannot read --input ${path}: ${error.code ?? error.message}`);
  });
  const points = parseScalingCsv(text, law as LawName);
  const minimum = law === 'joint' ? 6 : 4;
  if (points.length < minimum) throw new Error(`${path}: the ${law} law needs at least ${minimum} points to be fitted and checked, got ${points.length}`);
  // Overloads by law: the CSV parser returned the points that law takes.
  const summary = law === 'joint' ? fitLaw(points as never, 'joint', { bootstrap }) : fitLaw(points as never, law, { bootstrap });
  return { ...summary };
}

const number = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4));

/** A fit as the table shows it: each parameter with its interval, and how it moved since the previous version. */
export function fitTable(fits: ScalingFit[]): string {
  if (fits.length === 0) return 'no fits yet: the scaling service fits an experiment once enough of its runs have completed';
  const latest = new Map<string, ScalingFit>();
  const previous = new Map<string, ScalingFit>();
  for (const fit of [...fits].sort((a, b) => a.version - b.version)) {
    const key = `${fit.variant} ${fit.form}`;
    const before = latest.get(key);
    if (before) previous.set(key, before);
    latest.set(key, fit);
  }
  const lines: string[] = [];
  for (const [key, fit] of [...latest].sort(([a], [b]) => a.localeCompare(b))) {
    const r2 = fit.diagnostics['r2LogSpace'];
    lines.push(`${key} (version ${fit.version}, ${fit.runIds.length} runs${typeof r2 === 'number' ? `, R² ${r2.toFixed(4)} in log space` : ''})`);
    const before = previous.get(key);
    for (const [name, value] of Object.entries(fit.parameters)) {
      const interval = fit.intervals[name];
      const change = before?.parameters[name] === undefined ? '' : `  (v${before.version}: ${number(before.parameters[name])})`;
      lines.push(`  ${name.padEnd(6)} ${number(value).padStart(12)}${interval ? `  95% [${number(interval[0])}, ${number(interval[1])}]` : ''}${change}`);
    }
  }
  return lines.join('\n');
}

/** `downscale fit --experiment <id>`: the experiment's stored fits, latest versions first. */
export async function experimentFits(options: StackOptions, experimentId: string): Promise<string> {
  const dataSource = await openDatabase({ url: options.databaseUrl, sqlitePath: options.sqlitePath, migrate: 'verify' });
  try {
    return fitTable(await dataSource.getRepository(ScalingFit).find({ where: { experimentId } }));
  } finally {
    await dataSource.destroy();
  }
}
