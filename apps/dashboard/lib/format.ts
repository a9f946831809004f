// Small, pure formatting helpers shared by the pages.

const missing = '—';

/** 1234567 -> "1.23M"; parameter counts of small LMs read best with an SI suffix. */
export function formatCount(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return missing;
  // Rounded to 3 significant digits first, so that 999,999 reads 1M, not 1000k.
  const rounded = Number(value.toPrecision(3));
  for (const [limit, suffix] of [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']] as const) {
    if (Math.abs(rounded) >= limit) return `${Number((rounded / limit).toPrecision(3))}${suffix}`;
  }
  return String(value);
}

export function formatLoss(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return missing;
  return value.toFixed(4);
}

export function formatInteger(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return missing;
  return value.toLocaleString('en-US');
}

export function formatText(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return missing;
  return String(value);
}

/** A stable, locale-independent UTC timestamp: 2025-01-31 14:05 UTC. */
export function formatDate(value: Date | string | null | undefined): string {
  if (value === null || value === undefined) return missing;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** An evaluation result: its accuracy as a percentage, or the loss of a held-out loss task. */
export function formatScore(result: { acc: number | null; loss: number | null }): string {
  if (result.acc !== null) return `${(result.acc * 100).toFixed(1)}%`;
  return result.loss !== null ? `loss ${formatLoss(result.loss)}` : missing;
}

/** A fitted parameter: 4 significant digits, exponent notation when large or small; a bound the bootstrap could not pin down (null, JSON has no Infinity) as ∞. */
export function formatParameter(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '∞';
  return Math.abs(value) >= 1e4 || (value !== 0 && Math.abs(value) < 1e-3) ? value.toExponential(3) : String(Number(value.toPrecision(4)));
}
