// The axis controls of the loss-curve charts, kept in the URL (links and a GET form, which
// work without JavaScript and navigate client-side with it, so a zoom re-renders the chart
// without reloading the page): x = step, tokens or FLOPs; log x and log y; a step range to
// zoom into, which re-reads the points of that range at full resolution.
import Form from 'next/form';
import type { SearchParams } from '../lib/runs-view';
import { single } from '../lib/runs-view';
import type { CurveX } from '../lib/database';
import { Toggle } from './components';

export const xAxes = {
  step: { label: 'Step', axis: 'optimizer step', column: 'step' },
  tokens: { label: 'Tokens', axis: 'tokens trained on', column: 'tokens' },
  flops: { label: 'FLOPs', axis: 'training compute (FLOPs, 6·N·D)', column: 'flopsKaplan' },
} as const satisfies Record<string, { label: string; axis: string; column: CurveX }>;
export type XAxis = keyof typeof xAxes;

export interface CurveView {
  x: XAxis;
  logX: boolean;
  logY: boolean;
  fromStep?: number;
  toStep?: number;
}

function stepParam(params: SearchParams, key: string): number | undefined {
  const text = single(params, key);
  const value = text === undefined ? Number.NaN : Number(text);
  return Number.isInteger(value) && value >= 0 ? value : undefined;
}

export function parseCurveView(params: SearchParams): CurveView {
  const x = single(params, 'x');
  const view: CurveView = { x: x && x in xAxes ? (x as XAxis) : 'tokens', logX: single(params, 'logx') === '1', logY: single(params, 'logy') === '1' };
  const fromStep = stepParam(params, 'from');
  const toStep = stepParam(params, 'to');
  if (fromStep !== undefined) view.fromStep = fromStep;
  if (toStep !== undefined) view.toStep = toStep;
  return view;
}

/** `path` with the current query string, some parameters changed (undefined removes one). */
export function hrefWith(path: string, params: SearchParams, changes: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (key in changes) continue;
    for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) query.append(key, v);
  }
  for (const [key, value] of Object.entries(changes)) if (value !== undefined) query.set(key, value);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

export function CurveControls({ path, params, view, children }: { path: string; params: SearchParams; view: CurveView; children?: React.ReactNode }) {
  const hidden = Object.entries(params).flatMap(([key, value]) =>
    key === 'from' || key === 'to' ? [] : (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v, i) => <input key={`${key}${i}`} type="hidden" name={key} value={v} />),
  );
  return (
    <div className="controls">
      {children}
      <span className="toggle-group" role="group" aria-label="x axis">
        <span>x</span>
        {(Object.keys(xAxes) as XAxis[]).map((x) => (
          <Toggle key={x} href={hrefWith(path, params, { x })} active={view.x === x}>
            {xAxes[x].label}
          </Toggle>
        ))}
      </span>
      <span className="toggle-group" role="group" aria-label="axis scales">
        <Toggle href={hrefWith(path, params, { logx: view.logX ? undefined : '1' })} active={view.logX}>
          log x
        </Toggle>
        <Toggle href={hrefWith(path, params, { logy: view.logY ? undefined : '1' })} active={view.logY}>
          log y
        </Toggle>
      </span>
      <Form className="toggle-group" action={path} aria-label="zoom to a step range">
        {hidden}
        <label>
          steps
          <input type="number" name="from" min={0} defaultValue={view.fromStep} placeholder="from" aria-label="from step" />
        </label>
        <input type="number" name="to" min={0} defaultValue={view.toStep} placeholder="to" aria-label="to step" />
        <button type="submit">Zoom</button>
        {(view.fromStep !== undefined || view.toStep !== undefined) && (
          <Toggle href={hrefWith(path, params, { from: undefined, to: undefined })} active={false}>
            all steps
          </Toggle>
        )}
      </Form>
    </div>
  );
}
