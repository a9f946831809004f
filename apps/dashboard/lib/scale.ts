// Axis scales and ticks of the SVG charts: linear and base-10 logarithmic.

export interface Scale {
  log: boolean;
  /** Data domain [min, max], positive on a log scale. */
  domain: [number, number];
  /** Pixel range [start, end]; end < start for a y axis drawn upwards. */
  range: [number, number];
}

/**
 * The domain of `values` for an axis: values that cannot be drawn (not finite, or not positive
 * on a log scale) are ignored; a single value is widened so the axis has a length; the
 * domain is padded (5% of a linear span, 4% of a log span) so markers at its ends stay whole. Undefined when nothing can be drawn.
 */
export function domainOf(values: Iterable<number>, log: boolean): [number, number] | undefined {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v) || (log && v <= 0)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min > max) return undefined;
  if (log) {
    if (min === max) return [min / 2, max * 2];
    // 4% of the span on each side, in log space: markers at the ends stay whole.
    const pad = (max / min) ** 0.04;
    return [min / pad, max * pad];
  }
  if (min === max) return min === 0 ? [-1, 1] : [min - Math.abs(min) / 2, max + Math.abs(max) / 2];
  const pad = (max - min) * 0.05;
  return [min - pad, max + pad];
}

export function project(scale: Scale, value: number): number {
  const [d0, d1] = scale.domain;
  const [r0, r1] = scale.range;
  const f = scale.log ? (Math.log10(value) - Math.log10(d0)) / (Math.log10(d1) - Math.log10(d0)) : (value - d0) / (d1 - d0);
  return r0 + f * (r1 - r0);
}

/**
 * A whole number of tenths as the decimal it stands for: 12 -> "1.2", -7 -> "-0.7", 30 -> "3",
 * as String(tenths / 10) writes it. The charts' paths are 50,000 such numbers on a zoomed
 * 50-run chart, and whole numbers turn into text twice as fast as fractions.
 */
export function tenthsText(tenths: number): string {
  const whole = Math.trunc(tenths / 10);
  const digit = Math.abs(tenths % 10);
  return `${tenths < 0 && whole === 0 ? '-' : ''}${whole}${digit === 0 ? '' : `.${digit}`}`;
}

/** Round tick values: 1-2-5 steps on a linear axis, powers of ten (and 2, 5 between them on short spans) on a log axis. */
export function ticks(domain: [number, number], log: boolean, target = 6): number[] {
  const [lo, hi] = domain;
  if (log) {
    const e0 = Math.floor(Math.log10(lo));
    const e1 = Math.ceil(Math.log10(hi));
    const mantissas = e1 - e0 <= 2 ? [1, 2, 5] : [1];
    const step = Math.max(1, Math.ceil((e1 - e0) / 8));
    const out: number[] = [];
    for (let e = e0; e <= e1; e += step) {
      for (const m of mantissas) {
        const v = Number((m * 10 ** e).toPrecision(12));
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
      }
    }
    // A short span inside one decade: fall back to linear ticks, which are then readable.
    return out.length >= 2 ? out : ticks(domain, false, target);
  }
  const raw = (hi - lo) / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** A short tick label: 0.25, 3.5, 1k, 20M, 3B (as parameter counts read), 1e-4, 1e18. */
export function tickLabel(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e15) return value.toExponential(0).replace('e+', 'e');
  for (const [limit, suffix] of [[1e12, 'T'], [1e9, 'B'], [1e6, 'M'], [1e3, 'k']] as const) {
    if (abs >= limit) return `${Number((value / limit).toPrecision(3))}${suffix}`;
  }
  return String(Number(value.toPrecision(3)));
}
