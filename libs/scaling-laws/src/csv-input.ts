/**
 * Points for `downscale fit --input points.csv --law joint|C|N|D`: a header line naming the
 * columns, then one point per line. Columns: `N,D,loss` for the joint law, `C,loss`,
 * `N,loss` or `D,loss` for a single-variable law; an optional `run` column groups points
 * of one run for the bootstrap; other columns are ignored. Fields are plain (no quoting).
 */
import type { JointPoint, SingleVariablePoint } from './laws.js';

export type LawName = 'joint' | 'C' | 'N' | 'D';

export const LAW_NAMES: readonly LawName[] = ['joint', 'C', 'N', 'D'];

/** A CSV problem; `line` is 1-based, `column` the column's name when one is at fault. */
export class ScalingCsvError extends Error {
  constructor(
    readonly line: number,
    readonly column: string | undefined,
    detail: string,
  ) {
    super(`line ${line}${column === undefined ? '' : `, column ${column}`}: ${detail}`);
    this.name = 'ScalingCsvError';
  }
}

export function isLawName(value: string): value is LawName {
  return (LAW_NAMES as readonly string[]).includes(value);
}

function requiredColumns(law: LawName): string[] {
  return law === 'joint' ? ['N', 'D', 'loss'] : [law, 'loss'];
}

export function parseScalingCsv(text: string, law: 'joint'): JointPoint[];
export function parseScalingCsv(text: string, law: 'C' | 'N' | 'D'): SingleVariablePoint[];
export function parseScalingCsv(text: string, law: LawName): JointPoint[] | SingleVariablePoint[];
export function parseScalingCsv(text: string, law: LawName): JointPoint[] | SingleVariablePoint[] {
  if (!isLawName(law)) throw new Error(`unknown law ${JSON.stringify(law)}: use one of ${LAW_NAMES.join(', ')}`);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  if (headerIndex < 0) throw new ScalingCsvError(1, undefined, `empty input; expected a header line ${requiredColumns(law).join(',')}`);
  const header = (lines[headerIndex] as string).split(',').map((name) => name.trim());
  const required = requiredColumns(law);
  const position = (name: string): number => header.indexOf(name);
  for (const name of required) {
    if (position(name) < 0) {
      throw new ScalingCsvError(
        headerIndex + 1,
        name,
        `missing from the header (${header.join(',')}); law ${law} needs columns ${required.join(',')} (optional: run)`,
      );
    }
  }
  const runAt = position('run');

  const rows: { line: number; values: Record<string, number>; run?: string }[] = [];
  for (let index = headerIndex + 1; index < lines.length; index++) {
    const line = lines[index] as string;
    if (line.trim() === '') continue;
    const fields = line.split(',').map((field) => field.trim());
    if (fields.length !== header.length) {
      throw new ScalingCsvError(index + 1, undefined, `has ${fields.length} fields, the header has ${header.length}`);
    }
    const values: Record<string, number> = {};
    for (const name of required) {
      const field = fields[position(name)] as string;
      const value = Number(field);
      if (field === '' || !Number.isFinite(value) || value <= 0) {
        throw new ScalingCsvError(index + 1, name, `${JSON.stringify(field)} is not a positive number`);
      }
      values[name] = value;
    }
    const run = runAt >= 0 ? fields[runAt] : undefined;
    rows.push({ line: index + 1, values, ...(run ? { run } : {}) });
  }
  if (rows.length === 0) throw new ScalingCsvError(headerIndex + 1, undefined, 'no data lines after the header');

  const withRun = (row: { run?: string }): { run?: string } => (row.run === undefined ? {} : { run: row.run });
  if (law === 'joint') {
    return rows.map((row) => ({ N: row.values.N as number, D: row.values.D as number, loss: row.values.loss as number, ...withRun(row) }));
  }
  return rows.map((row) => ({ x: row.values[law] as number, loss: row.values.loss as number, ...withRun(row) }));
}
