import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { eventSubjects, progressSubjects, refitOutcome, type RefitOutcome } from '@downscale/contracts';
import { connectNats, EventPublisher } from '@downscale/messaging';
import { openDatabase, ScalingFit } from '@downscale/persistence';
import type { NatsConnection } from '@nats-io/nats-core';
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
/** An interval bound; null where the bootstrap found it unbounded. */
const bound = (v: number | null, side: 'low' | 'high') => (v === null ? (side === 'low' ? '-inf' : 'inf') : number(v));
const percent = (v: number) => `${(100 * v).toFixed(2)}%`;

/** What each axis fits loss against, in the order the table shows them. */
const axisLabels: Record<string, string> = {
  params: 'loss vs non-embedding parameters N (final eval loss of each run)',
  paramsTotal: 'loss vs total parameters (final eval loss of each run)',
  tokens: 'loss vs tokens D (lower envelope of the eval-loss curves)',
  compute: 'loss vs compute C in FLOPs (lower envelope of the curves: the compute frontier)',
  'params+tokens': 'loss vs N and D jointly (every eval point of every run)',
};
const axisOrder = Object.keys(axisLabels);

interface Extrapolation {
  meanAbsoluteRelativeError?: number;
  skipped?: string;
}

const lawKey = (fit: ScalingFit) => `${fit.variant}\u0000${fit.axis}\u0000${fit.form}`;
const lawName = (fit: ScalingFit) => `${fit.variant}, ${fit.axis === 'params+tokens' ? 'N and D jointly' : `loss vs ${fit.axis}`}, ${fit.form}`;
const byLaw = (a: ScalingFit, b: ScalingFit) =>
  a.variant.localeCompare(b.variant) || axisOrder.indexOf(a.axis) - axisOrder.indexOf(b.axis) || a.form.localeCompare(b.form);

/** The fit's goodness: R² in log space and, where checked, the error predicting the largest run from the others. */
function quality(fit: ScalingFit): string {
  const r2 = fit.diagnostics['r2LogSpace'];
  const held = fit.diagnostics['heldOutExtrapolation'] as Extrapolation | undefined;
  return [
    typeof r2 === 'number' ? `R² ${r2.toFixed(4)} in log space` : undefined,
    typeof held?.meanAbsoluteRelativeError === 'number' ? `largest run predicted within ${percent(held.meanAbsoluteRelativeError)}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
}

/** The compute frontier and the joint law's compute-optimal allocation, in one line each. */
function frontierLines(fit: ScalingFit): string[] {
  const frontier = fit.diagnostics['frontier'] as { compute: number; loss: number; run: string }[] | undefined;
  const optimal = fit.diagnostics['computeOptimal'] as { compute: number; N: number; D: number }[] | { skipped: string } | undefined;
  const lines: string[] = [];
  if (frontier?.length && fit.form === 'pure-power') {
    const [first, last] = [frontier[0]!, frontier[frontier.length - 1]!];
    lines.push(`    frontier: ${frontier.length} points, loss ${number(first.loss)} at C ${number(first.compute)} to ${number(last.loss)} at C ${number(last.compute)}, via ${new Set(frontier.map((p) => p.run)).size} runs`);
  }
  if (Array.isArray(optimal)) {
    lines.push(`    compute-optimal: ${optimal.filter((_, i) => i % 2 === 1).map((p) => `C ${number(p.compute)} → N ${number(p.N)}, D ${number(p.D)}`).join('; ')}`);
  } else if (optimal) lines.push(`    compute-optimal: ${optimal.skipped}`);
  return lines;
}

/** A fit as the table shows it: each parameter with its interval, and how it moved since the previous version. */
export function fitTable(fits: ScalingFit[]): string {
  if (fits.length === 0) return 'no fits yet: the scaling service fits an experiment once enough of its runs have completed';
  const latest = new Map<string, ScalingFit>();
  const previous = new Map<string, ScalingFit>();
  for (const fit of [...fits].sort((a, b) => a.version - b.version)) {
    const before = latest.get(lawKey(fit));
    if (before) previous.set(lawKey(fit), before);
    latest.set(lawKey(fit), fit);
  }
  const lines: string[] = [];
  let heading = '';
  for (const fit of [...latest.values()].sort(byLaw)) {
    const group = `${fit.variant}: ${axisLabels[fit.axis] ?? `loss vs ${fit.axis}`}`;
    if (group !== heading) lines.push(group);
    heading = group;
    const details = [`version ${fit.version}`, `${fit.runIds.length} runs`, quality(fit)].filter(Boolean).join(', ');
    lines.push(`  ${fit.form} (${details})`);
    const before = previous.get(lawKey(fit));
    for (const [name, value] of Object.entries(fit.parameters)) {
      const interval = fit.intervals[name];
      const change = before?.parameters[name] === undefined ? '' : `  (v${before.version}: ${number(before.parameters[name])})`;
      lines.push(`    ${name.padEnd(6)} ${number(value).padStart(12)}${interval ? `  95% [${bound(interval[0], 'low')}, ${bound(interval[1], 'high')}]` : ''}${change}`);
    }
    lines.push(...frontierLines(fit));
  }
  return lines.join('\n');
}

/** How each law that has both versions moved from `from` to `to`: runs, goodness of fit and every parameter. */
export function fitDiff(fits: ScalingFit[], from: number, to: number): string {
  const lines: string[] = [];
  for (const fit of fits.filter((f) => f.version === to).sort(byLaw)) {
    const old = fits.find((f) => f.version === from && lawKey(f) === lawKey(fit));
    if (!old) continue;
    const added = fit.runIds.filter((r) => !old.runIds.includes(r));
    const removed = old.runIds.filter((r) => !fit.runIds.includes(r));
    const runs = [...added.map((r) => `+${r}`), ...removed.map((r) => `-${r}`)].join(' ');
    lines.push(`${lawName(fit)}: v${from} → v${to}`);
    lines.push(`  runs ${old.runIds.length} → ${fit.runIds.length}${runs ? ` (${runs})` : ''}`);
    lines.push(`  fit  ${quality(old) || '–'} → ${quality(fit) || '–'}`);
    for (const [name, value] of Object.entries(fit.parameters)) {
      const was = old.parameters[name];
      const interval = old.intervals[name];
      const outside = interval && (value < (interval[0] ?? -Infinity) || value > (interval[1] ?? Infinity)) ? `, outside v${from}'s 95% interval` : '';
      lines.push(`  ${name.padEnd(6)} ${was === undefined ? '–' : number(was)} → ${number(value)}${was === undefined ? '' : ` (${value >= was ? '+' : ''}${number(value - was)}${outside})`}`);
    }
  }
  return lines.length > 0
    ? lines.join('\n')
    : `no law has both version ${from} and version ${to} (versions are numbered per law: \`downscale fit --experiment <id>\` shows each law's latest)`;
}

/** `downscale fit --experiment <id> [--diff v1 v2]`: the experiment's stored fits, latest versions with the previous one, or two versions compared. */
export async function experimentFits(options: StackOptions, experimentId: string, diff?: readonly [number, number]): Promise<string> {
  const dataSource = await openDatabase({ url: options.databaseUrl, sqlitePath: options.sqlitePath, migrate: 'verify' });
  try {
    const fits = await dataSource.getRepository(ScalingFit).find({ where: { experimentId } });
    return diff ? fitDiff(fits, ...diff) : fitTable(fits);
  } finally {
    await dataSource.destroy();
  }
}

/** How long `--refit` waits for the scaling service: refits of large experiments fit the joint law for minutes. */
const refitWaitMs = 600_000;

/**
 * Asks the scaling service to refit the experiment now (a durable fit.requested event) and
 * waits for its answer. A law is stored as a new version only when its points or settings changed.
 */
export async function refitNow(nc: NatsConnection, experimentId: string): Promise<RefitOutcome> {
  const requestId = randomUUID();
  const answer = nc.subscribe(progressSubjects.refit(requestId), { max: 1, timeout: refitWaitMs });
  await new EventPublisher(nc, 'cli').publish(eventSubjects.fitRequested, { experimentId, requestId }, { id: `refit:${requestId}` });
  try {
    for await (const message of answer) {
      const outcome = refitOutcome.parse(message.json());
      if (outcome.error) throw new Error(`the scaling service could not refit ${experimentId}: ${outcome.error}`);
      return outcome;
    }
  } catch (error) {
    if (!(error instanceof Error && error.name === 'TimeoutError')) throw error;
  }
  throw new Error(
    `no answer from the scaling service within ${refitWaitMs / 60_000} minutes: check it runs (\`downscale status\`); ` +
      'the request stays queued and is served when it starts',
  );
}

/** `downscale fit --experiment <id> --refit`: refits now and says what changed. */
export async function requestRefit(options: StackOptions, experimentId: string): Promise<string> {
  const nc = await connectNats({ servers: options.natsUrl.split(','), name: 'downscale-cli', reconnect: false });
  try {
    process.stderr.write(`refit of ${experimentId} requested; waiting up to ${refitWaitMs / 60_000} minutes for the scaling service\n`);
    const outcome = await refitNow(nc, experimentId);
    const skipped = outcome.skipped.map((reason) => `\n  not fitted: ${reason}`).join('');
    return `refitted ${experimentId}: ${outcome.stored} new version(s), ${outcome.unchanged} law(s) unchanged${skipped}`;
  } finally {
    await nc.close();
  }
}
