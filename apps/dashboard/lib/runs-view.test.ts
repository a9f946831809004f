import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyRunsQuery, parseRunsQuery, runsCsv, runsQueryString, toggledSort, type RunTableRow } from './runs-view.js';

function row(id: string, fields: Partial<RunTableRow>): RunTableRow {
  return {
    id,
    experimentId: 'e1',
    experimentName: 'one',
    hiddenSize: 64,
    layers: 2,
    params: null,
    paramsNonEmbedding: null,
    variant: 'simplified',
    seed: 0,
    state: 'queued',
    backend: null,
    lastStep: null,
    lastTokens: null,
    lastTrainLoss: null,
    lastEvalLoss: null,
    bestEvalLoss: null,
    createdAt: '2026-11-28T10:00:00.000Z',
    ...fields,
  };
}

const rows = [
  row('a', { params: 300, state: 'completed', variant: 'regular', backend: 'tensorflow' }),
  row('b', { params: 100, state: 'running', backend: 'wasm' }),
  row('c', { params: null, state: 'queued' }),
  row('d', { params: 200, state: 'completed' }),
];

test('the query string round-trips, and the defaults are left out of it', () => {
  const query = parseRunsQuery({ state: 'completed', variant: 'regular', sort: 'params', dir: 'asc', q: ' tens ' });
  assert.deepEqual(query, { state: 'completed', variant: 'regular', sort: 'params', dir: 'asc', search: 'tens' });
  assert.equal(runsQueryString(query), '?state=completed&variant=regular&q=tens&sort=params&dir=asc');
  assert.equal(runsQueryString(parseRunsQuery({})), '');
});

test('an unknown sort column or direction falls back to newest first', () => {
  assert.deepEqual(parseRunsQuery({ sort: 'password', dir: 'sideways' }), { sort: 'created', dir: 'desc' });
});

test('sorting by a number puts runs without one last in both directions', () => {
  const ids = (sort: 'asc' | 'desc') => applyRunsQuery(rows, { sort: 'params', dir: sort }).map((r) => r.id);
  assert.deepEqual(ids('asc'), ['b', 'd', 'a', 'c']);
  assert.deepEqual(ids('desc'), ['a', 'd', 'b', 'c']);
});

test('filters by state, variant and a search in the id or backend', () => {
  assert.deepEqual(applyRunsQuery(rows, { sort: 'id', dir: 'asc', state: 'completed' }).map((r) => r.id), ['a', 'd']);
  assert.deepEqual(applyRunsQuery(rows, { sort: 'id', dir: 'asc', variant: 'regular' }).map((r) => r.id), ['a']);
  assert.deepEqual(applyRunsQuery(rows, { sort: 'id', dir: 'asc', search: 'WASM' }).map((r) => r.id), ['b']);
});

test('a header click sorts by its column, a second click flips the direction', () => {
  const first = toggledSort({ sort: 'created', dir: 'desc' }, 'params');
  assert.deepEqual(first, { sort: 'params', dir: 'desc' });
  assert.deepEqual(toggledSort(first, 'params'), { sort: 'params', dir: 'asc' });
  assert.deepEqual(toggledSort(first, 'state'), { sort: 'state', dir: 'asc' });
});

test('CSV has a header, full-precision numbers, empty missing values and quoted text that needs it', () => {
  const csv = runsCsv([row('a', { params: 123_456, lastTrainLoss: 3.141592653589793, experimentName: 'one, "quoted"' })]);
  const [header, line, end] = csv.split('\r\n');
  assert.equal(header!.split(',')[0], 'run');
  assert.equal(line, 'a,e1,"one, ""quoted""",64,2,123456,,simplified,0,queued,,,3.141592653589793,,,,2026-11-28T10:00:00.000Z');
  assert.equal(end, '');
});
