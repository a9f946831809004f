// Min/max-preserving downsampling of a curve for drawing: a chart a few hundred pixels wide
// cannot show 10,000 points, but it must still show a single spike among them.

export interface XY {
  x: number;
  y: number;
}

/**
 * Splits the x range into `buckets` equal intervals (of `transform(x)`, e.g. Math.log10 on a
 * log axis, so that buckets are equal in pixels) and keeps, per bucket, its first and last
 * point and the points with the lowest and highest y, in x order. Every local extreme that
 * is the extreme of its bucket survives, so spikes and dips stay visible; the result has at
 * most 4 points per bucket. `points` must be sorted by x; points whose x or y is not finite
 * (or whose transformed x is not, such as x = 0 on a log axis) are dropped.
 */
export function downsampleMinMax(points: readonly XY[], buckets: number, transform: (x: number) => number = (x) => x): XY[] {
  if (!Number.isInteger(buckets) || buckets < 1) throw new RangeError(`buckets must be a positive integer, got ${buckets}`);
  // Few enough to draw as they are (a zoom's 50,000 points, often): no bucketing to allocate for.
  if (points.length <= buckets * 4) return points.filter((p) => Number.isFinite(p.y) && Number.isFinite(transform(p.x)));
  const usable: { p: XY; t: number }[] = [];
  for (const p of points) {
    const t = transform(p.x);
    if (Number.isFinite(p.y) && Number.isFinite(t)) usable.push({ p, t });
  }
  if (usable.length <= buckets * 4) return usable.map((u) => u.p);
  const first = usable[0]!.t;
  const span = usable[usable.length - 1]!.t - first;
  const out: XY[] = [];
  let start = 0;
  while (start < usable.length) {
    // The bucket of usable[start]; the last bucket is closed on the right.
    const bucket = span === 0 ? 0 : Math.min(buckets - 1, Math.floor(((usable[start]!.t - first) / span) * buckets));
    let end = start + 1;
    while (end < usable.length && (span === 0 ? 0 : Math.min(buckets - 1, Math.floor(((usable[end]!.t - first) / span) * buckets))) === bucket) end++;
    let low = start;
    let high = start;
    for (let i = start + 1; i < end; i++) {
      if (usable[i]!.p.y < usable[low]!.p.y) low = i;
      if (usable[i]!.p.y > usable[high]!.p.y) high = i;
    }
    for (const i of [...new Set([start, low, high, end - 1])].sort((a, b) => a - b)) out.push(usable[i]!.p);
    start = end;
  }
  return out;
}
