import type { CorpusVariant } from '@downscale/contracts';
import type { ScalingFit } from '@downscale/persistence';
import type { ExperimentSnapshot } from './progress.js';

/** Fixed digits, and powers of ten for the huge values a pure power law's scale takes. */
const fmt = (v: number | null | undefined, digits = 3) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : Math.abs(v) >= 1e5 ? v.toExponential(2) : v.toFixed(digits));
const count = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)}M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)}k` : String(v));

interface RunRow {
  runId: string;
  variant: CorpusVariant;
  params: number;
  paramsTotal: number;
  tokens: number;
  evalLoss: number | null;
  /** Mean accuracy over the simplified task versions at the run's last evaluated checkpoint. */
  simplifiedAcc: number | null;
  chance: number | null;
  state: string;
}

function runRows(s: ExperimentSnapshot): RunRow[] {
  const latestByRun = new Map<string, { step: number; acc: number[]; chance: number[] }>();
  for (const result of s.evalResults) {
    const checkpoint = s.checkpointRuns.get(result.checkpointId);
    if (!checkpoint || result.taskVersion !== 'simplified' || result.acc === null) continue;
    const entry = latestByRun.get(checkpoint.runId);
    if (!entry || checkpoint.step > entry.step) latestByRun.set(checkpoint.runId, { step: checkpoint.step, acc: [result.acc], chance: result.chance === null ? [] : [result.chance] });
    else if (checkpoint.step === entry.step) {
      entry.acc.push(result.acc);
      if (result.chance !== null) entry.chance.push(result.chance);
    }
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
  return s.runs
    .map((r) => {
      const training = (r.config['training'] ?? {}) as { batchSize?: number };
      const model = (r.config['model'] ?? {}) as { contextLength?: number };
      const evals = latestByRun.get(r.id);
      return {
        runId: r.id,
        variant: r.variant,
        params: r.paramsNonEmbedding ?? 0,
        paramsTotal: r.paramsTotal ?? 0,
        tokens: (r.lastStep ?? 0) * (training.batchSize ?? 0) * (model.contextLength ?? 0),
        evalLoss: r.bestEvalLoss,
        simplifiedAcc: mean(evals?.acc ?? []),
        chance: mean(evals?.chance ?? []),
        state: r.state,
      };
    })
    .sort((a, b) => a.variant.localeCompare(b.variant) || a.params - b.params);
}

/** The latest version of each law (axis x form x variant). */
function latestFits(fits: ScalingFit[]): ScalingFit[] {
  const latest = new Map<string, ScalingFit>();
  for (const fit of fits) {
    const key = `${fit.axis}/${fit.variant}/${fit.form}`;
    if ((latest.get(key)?.version ?? 0) < fit.version) latest.set(key, fit);
  }
  return [...latest.values()].sort((a, b) => axisOrder(a.axis) - axisOrder(b.axis) || a.variant.localeCompare(b.variant) || a.form.localeCompare(b.form));
}

const axisNames: Record<string, string> = {
  params: 'non-embedding parameters N',
  paramsTotal: 'total parameters',
  tokens: 'tokens D',
  compute: 'compute C (FLOPs)',
  'params+tokens': 'N and D jointly',
};
const axisOrder = (axis: string) => {
  const i = Object.keys(axisNames).indexOf(axis);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
};

/**
 * The end-of-experiment report: a row per run, the fitted laws with intervals, and what the
 * numbers say about the paper's two claims, stated plainly, including when they do not hold.
 */
export function experimentSummary(s: ExperimentSnapshot): string {
  const rows = runRows(s);
  const lines = ['', 'runs', `  ${'variant'.padEnd(11)}${'params (non-emb / total)'.padEnd(26)}${'tokens'.padStart(9)}${'eval loss'.padStart(11)}${'simplified-task acc'.padStart(21)}${'chance'.padStart(8)}  state`];
  for (const r of rows) {
    lines.push(
      `  ${r.variant.padEnd(11)}${`${count(r.params)} / ${count(r.paramsTotal)}`.padEnd(26)}${count(r.tokens).padStart(9)}${fmt(r.evalLoss).padStart(11)}${fmt(r.simplifiedAcc).padStart(21)}${fmt(r.chance).padStart(8)}  ${r.state}`,
    );
  }
  lines.push('', 'scaling fits (eval loss against each scale variable; 95% bootstrap intervals)');
  const fits = latestFits(s.fits);
  if (fits.length === 0) lines.push('  none: too few model sizes completed to fit a law');
  let axis: string | undefined;
  for (const fit of fits) {
    if (fit.axis !== axis) lines.push(`  vs ${axisNames[fit.axis] ?? fit.axis}`);
    axis = fit.axis;
    const params = Object.entries(fit.parameters)
      .map(([name, value]) => `${name} ${fmt(value, 3)}${fit.intervals[name] ? ` [${fmt(fit.intervals[name]![0], 3)}, ${fmt(fit.intervals[name]![1], 3)}]` : ''}`)
      .join(', ');
    const r2 = fit.diagnostics['r2LogSpace'];
    lines.push(`    ${fit.variant.padEnd(11)}${fit.form.padEnd(21)}${params}${typeof r2 === 'number' ? `; R² ${r2.toFixed(3)}` : ''} (v${fit.version})`);
  }
  lines.push('', 'the paper\'s claims, on these numbers');
  lines.push(`  1. ${claimSimplifiedBetter(rows)}`);
  lines.push(`  2. ${claimPowerLaw(fits.filter((f) => f.axis === 'params'))}`);
  return lines.join('\n');
}

/** Claim 1: at equal size, models trained on simplified text do better on simplified tasks. */
function claimSimplifiedBetter(rows: RunRow[]): string {
  const pairs = rows
    .filter((r) => r.variant === 'simplified' && r.simplifiedAcc !== null)
    .map((s) => [s, rows.find((r) => r.variant === 'regular' && r.params === s.params && r.simplifiedAcc !== null)] as const)
    .filter((p): p is readonly [RunRow, RunRow] => p[1] !== undefined);
  if (pairs.length === 0) return 'simplified vs regular on simplified tasks: not measured (no size has evaluated runs on both corpora).';
  const wins = pairs.filter(([s, r]) => s.simplifiedAcc! > r.simplifiedAcc!).length;
  const verdict = wins > pairs.length / 2 ? 'reproduced' : 'NOT reproduced';
  return `simplified-data models beat regular-data models of the same size on simplified tasks at ${wins} of ${pairs.length} sizes: ${verdict}.`;
}

/**
 * Claim 2: loss follows a power law in model size N. Per corpus variant the better-fitting
 * form decides (the paper's data want the irreducible term E): a good fit in log space and a
 * positive exponent.
 */
function claimPowerLaw(fits: ScalingFit[]): string {
  const power = fits.filter((f) => f.form === 'pure-power' || f.form === 'power-plus-constant');
  if (power.length === 0) return 'loss vs model size N follows a power law: not measured (no fit).';
  const r2 = (f: ScalingFit) => (typeof f.diagnostics['r2LogSpace'] === 'number' ? f.diagnostics['r2LogSpace'] : Number.NaN);
  const verdicts = [...new Set(power.map((f) => f.variant))].sort().map((variant) => {
    const best = power.filter((f) => f.variant === variant).sort((a, b) => (r2(b) || -Infinity) - (r2(a) || -Infinity))[0]!;
    const alpha = best.parameters['alpha'] ?? Number.NaN;
    const interval = best.intervals['alpha'];
    const law = best.form === 'pure-power' ? 'L = (Nc/N)^alpha' : 'L = E + A/N^alpha';
    return { good: r2(best) >= 0.9 && alpha > 0, text: `${variant}: ${law}, alpha ${fmt(alpha)}${interval ? ` [${fmt(interval[0])}, ${fmt(interval[1])}]` : ''}, R² ${fmt(r2(best))}` };
  });
  const holds = verdicts.every((v) => v.good);
  return `loss vs model size N follows a power law: ${holds ? 'reproduced' : 'NOT reproduced'} (${verdicts.map((v) => `${v.text}${v.good ? '' : ', a poor fit'}`).join('; ')}).`;
}
