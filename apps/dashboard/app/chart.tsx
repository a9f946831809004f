// SVG charts rendered on the server: no chart library and no client JavaScript. Lines are
// downsampled per pixel column keeping each column's minimum and maximum, so no spike hides.
import type { ReactNode } from 'react';
import { downsampleMinMax, type XY } from '../lib/downsample';
import { domainOf, project, tenthsText, tickLabel, ticks, type Scale } from '../lib/scale';
import { ChartExport } from './export-buttons';

export interface ChartSeries {
  id: string;
  label: string;
  color: string;
  /** SVG stroke-dasharray, e.g. `6 4`; solid when absent. */
  dash?: string;
  points: XY[];
  /** `line` (default), `points` (a marker per point) or `both`. */
  mode?: 'line' | 'points' | 'both';
  /** A faint line (e.g. the raw curve behind its smoothed one), left out of the legend. */
  faint?: boolean;
}

/** A shaded range (e.g. a confidence band) around a line; it does not set the axes' domains. */
export interface ChartBand {
  id: string;
  color: string;
  points: { x: number; low: number; high: number }[];
}

export interface ReferenceLine {
  y: number;
  label: string;
}

export interface ChartProps {
  /** Names the chart for screen readers and tests. */
  title: string;
  series: ChartSeries[];
  xLabel: string;
  yLabel: string;
  logX: boolean;
  logY: boolean;
  referenceLines?: ReferenceLine[];
  bands?: ChartBand[];
  /** Fixed domains (e.g. accuracy 0..1); otherwise from the data. */
  xDomain?: [number, number];
  yDomain?: [number, number];
  /** Shown instead of an empty plot. */
  empty?: ReactNode;
  size?: keyof typeof sizes;
  testId?: string;
  /** The name of the SVG and PNG downloads (without extension); else the test id, else "chart". */
  exportName?: string;
  /**
   * Lines one screen pixel wide at any size, for charts that overlay many long curves: 50
   * curves stay apart better, and the browser paints them several times faster (a hairline
   * is a simpler shape to rasterise than a wider stroke: for 50 lines of 1,000 points,
   * Chromium's software raster took 45-70 ms instead of 350 ms).
   */
  hairlines?: boolean;
}

/** Drawing sizes: `wide` fills the page, `compact` is for charts side by side (its text stays as large). */
const sizes = {
  wide: { width: 860, height: 400 },
  compact: { width: 520, height: 340 },
} as const;
const margin = { top: 16, right: 24, bottom: 52, left: 72 };
/** Pixel columns of a wide chart's plot area: the finest x resolution a line is drawn at. */
export const wideChartColumns = sizes.wide.width - margin.left - margin.right;

/** Colours that stay apart in light and dark mode (Tableau 10). */
export const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

/** A colour per rank from small (blue) to large (red), for colouring runs by size. */
export function rampColor(rank: number, count: number): string {
  const t = count <= 1 ? 0 : rank / (count - 1);
  const hue = 220 - 220 * t;
  return `hsl(${Math.round(hue)} 70% 48%)`;
}

/**
 * The SVG path through `points`: the first point absolute, each next one relative to the one
 * before (`l`), positions rounded to a tenth of a unit. Relative steps are shorter to send
 * (a zoomed 50-run chart is 50,000 points), and since each is the difference of two rounded
 * positions, no rounding error builds up along the line.
 */
function path(points: XY[], x: Scale, y: Scale): string {
  let d = '';
  let lastX = 0;
  let lastY = 0;
  for (let i = 0; i < points.length; i++) {
    const tenthsX = Math.round(project(x, points[i]!.x) * 10);
    const tenthsY = Math.round(project(y, points[i]!.y) * 10);
    d += i === 0 ? `M${tenthsText(tenthsX)},${tenthsText(tenthsY)}` : `l${tenthsText(tenthsX - lastX)},${tenthsText(tenthsY - lastY)}`;
    lastX = tenthsX;
    lastY = tenthsY;
  }
  return d;
}

/** The closed outline of a band: along its upper edge, back along its lower one. */
function bandPath(band: ChartBand, x: Scale, y: Scale, drawable: (p: XY) => boolean): string {
  const upper = band.points.map((p) => ({ x: p.x, y: p.high })).filter(drawable);
  const lower = band.points.map((p) => ({ x: p.x, y: p.low })).filter(drawable).reverse();
  return upper.length > 1 && lower.length > 1 ? `${path([...upper, ...lower], x, y)}Z` : '';
}

export function Chart(props: ChartProps) {
  const { width, height } = sizes[props.size ?? 'wide'];
  const plotWidth = width - margin.left - margin.right;
  // Two pixels per bucket: at most 4 points per bucket keep a line's extremes.
  const buckets = Math.round(plotWidth / 2);
  const drawable = (p: XY) => Number.isFinite(p.x) && Number.isFinite(p.y) && (!props.logX || p.x > 0) && (!props.logY || p.y > 0);
  const series = props.series.map((s) => {
    const points = s.points.every(drawable) ? s.points : s.points.filter(drawable);
    return { ...s, drawn: (s.mode ?? 'line') === 'points' ? points : downsampleMinMax(points, buckets, props.logX ? Math.log10 : undefined) };
  });
  // The domains read every drawn point (50,000 on a zoomed 50-run chart): in one pass, into flat arrays.
  const drawnCount = series.reduce((sum, s) => sum + s.drawn.length, 0);
  const references = props.referenceLines ?? [];
  const xs = new Float64Array(drawnCount);
  const ys = new Float64Array(drawnCount + references.length);
  let filled = 0;
  for (const s of series) {
    for (const p of s.drawn) {
      xs[filled] = p.x;
      ys[filled++] = p.y;
    }
  }
  references.forEach((line, i) => (ys[drawnCount + i] = line.y));
  const xDomain = props.xDomain ?? domainOf(xs, props.logX);
  const yDomain = props.yDomain ?? domainOf(ys, props.logY);
  if (!xDomain || !yDomain || drawnCount === 0) {
    return (
      <figure className="chart chart-empty" data-testid={props.testId} aria-label={props.title}>
        <div className="empty">{props.empty ?? 'Nothing to draw yet.'}</div>
      </figure>
    );
  }
  const x: Scale = { log: props.logX, domain: xDomain, range: [margin.left, width - margin.right] };
  const y: Scale = { log: props.logY, domain: yDomain, range: [height - margin.bottom, margin.top] };
  const clipId = `clip-${(props.testId ?? props.title).replace(/[^a-zA-Z0-9_-]/g, '')}`;
  return (
    <figure className="chart" data-testid={props.testId}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={props.title} xmlns="http://www.w3.org/2000/svg">
        <title>{props.title}</title>
        <defs>
          <clipPath id={clipId}>
            <rect x={margin.left} y={margin.top} width={plotWidth} height={height - margin.top - margin.bottom} />
          </clipPath>
        </defs>
        <g className="grid">
          {ticks(xDomain, props.logX).map((t) => (
            <line key={`x${t}`} x1={project(x, t)} x2={project(x, t)} y1={margin.top} y2={height - margin.bottom} />
          ))}
          {ticks(yDomain, props.logY).map((t) => (
            <line key={`y${t}`} x1={margin.left} x2={width - margin.right} y1={project(y, t)} y2={project(y, t)} />
          ))}
        </g>
        <g className="axis">
          <line x1={margin.left} x2={width - margin.right} y1={height - margin.bottom} y2={height - margin.bottom} />
          <line x1={margin.left} x2={margin.left} y1={margin.top} y2={height - margin.bottom} />
          {ticks(xDomain, props.logX).map((t) => (
            <text key={`x${t}`} x={project(x, t)} y={height - margin.bottom + 18} textAnchor="middle">
              {tickLabel(t)}
            </text>
          ))}
          {ticks(yDomain, props.logY).map((t) => (
            <text key={`y${t}`} x={margin.left - 8} y={project(y, t) + 4} textAnchor="end">
              {tickLabel(t)}
            </text>
          ))}
          <text className="axis-label" x={margin.left + plotWidth / 2} y={height - 10} textAnchor="middle">
            {props.xLabel}
            {props.logX ? ' (log scale)' : ''}
          </text>
          <text className="axis-label" transform={`translate(16 ${(height - margin.bottom + margin.top) / 2}) rotate(-90)`} textAnchor="middle">
            {props.yLabel}
            {props.logY ? ' (log scale)' : ''}
          </text>
        </g>
        <g clipPath={`url(#${clipId})`}>
          {(props.bands ?? []).map((band) => (
            <path key={band.id} data-band={band.id} d={bandPath(band, x, y, drawable)} fill={band.color} fillOpacity={0.15} stroke="none" />
          ))}
          {(props.referenceLines ?? []).map((line) => (
            <g key={line.label} className="reference">
              <line x1={margin.left} x2={width - margin.right} y1={project(y, line.y)} y2={project(y, line.y)} />
              <text x={width - margin.right - 4} y={project(y, line.y) - 5} textAnchor="end">
                {line.label}
              </text>
            </g>
          ))}
          {series.map((s) => (
            <g key={s.id} data-series={s.id} data-points={s.drawn.length} data-max-y={s.drawn.length ? s.drawn.reduce((max, p) => Math.max(max, p.y), -Infinity) : undefined}>
              {(s.mode ?? 'line') !== 'points' && (
                <path
                  d={path(s.drawn, x, y)}
                  fill="none"
                  stroke={s.color}
                  strokeWidth={props.hairlines ? 1 : s.faint ? 1 : 1.6}
                  vectorEffect={props.hairlines ? 'non-scaling-stroke' : undefined}
                  strokeOpacity={s.faint ? 0.3 : undefined}
                  strokeDasharray={s.dash}
                />
              )}
              {(s.mode ?? 'line') !== 'line' &&
                s.drawn.map((p, i) => (
                  <circle key={i} cx={project(x, p.x)} cy={project(y, p.y)} r={4} fill={s.color}>
                    <title>{`${s.label}: ${tickLabel(p.x)}, ${Number(p.y.toPrecision(4))}`}</title>
                  </circle>
                ))}
            </g>
          ))}
        </g>
      </svg>
      <figcaption>
        <ul className="legend">
          {series
            .filter((s) => !s.faint)
            .map((s) => (
            <li key={s.id}>
              <svg width="26" height="10" aria-hidden="true">
                {(s.mode ?? 'line') === 'points' ? (
                  <circle cx="13" cy="5" r="4" fill={s.color} />
                ) : (
                  <line x1="0" x2="26" y1="5" y2="5" stroke={s.color} strokeWidth="2.5" strokeDasharray={s.dash} />
                )}
              </svg>
              {s.label}
            </li>
            ))}
        </ul>
        <ChartExport fileName={props.exportName ?? props.testId ?? 'chart'} />
      </figcaption>
    </figure>
  );
}
