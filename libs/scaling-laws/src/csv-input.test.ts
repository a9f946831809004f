import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseScalingCsv, ScalingCsvError } from './index.js';

describe('parseScalingCsv', () => {
  it('reads N,D,loss for the joint law, with an optional run column and stray columns', () => {
    const points = parseScalingCsv('run, N ,D,loss,note\r\nr1,1e8,2e9,3.1,x\n\nr1,1e8,4e9,2.9,y\n', 'joint');
    assert.deepEqual(points, [
      { N: 1e8, D: 2e9, loss: 3.1, run: 'r1' },
      { N: 1e8, D: 4e9, loss: 2.9, run: 'r1' },
    ]);
  });

  it('reads C,loss (and N,loss, D,loss) for the single-variable laws', () => {
    assert.deepEqual(parseScalingCsv('C,loss\n6e18,3.2\n6e19,2.8\n', 'C'), [
      { x: 6e18, loss: 3.2 },
      { x: 6e19, loss: 2.8 },
    ]);
    assert.deepEqual(parseScalingCsv('loss,D\n2.5,1e10\n', 'D'), [{ x: 1e10, loss: 2.5 }]);
  });

  it('names the line and column of a bad value', () => {
    assert.throws(
      () => parseScalingCsv('N,D,loss\n1e8,2e9,3.1\n1e8,abc,2.9\n', 'joint'),
      (error: unknown) => error instanceof ScalingCsvError && error.line === 3 && error.column === 'D' && /line 3, column D: "abc" is not a positive number/.test(error.message),
    );
    assert.throws(() => parseScalingCsv('N,loss\n1e8,-1\n', 'N'), /line 2, column loss: "-1" is not a positive number/);
    assert.throws(() => parseScalingCsv('N,loss\n1e8,\n', 'N'), /line 2, column loss: "" is not a positive number/);
  });

  it('names a column the law needs that the header lacks', () => {
    assert.throws(() => parseScalingCsv('N,loss\n1e8,3\n', 'joint'), /line 1, column D: missing from the header \(N,loss\); law joint needs columns N,D,loss/);
    assert.throws(() => parseScalingCsv('N,D,loss\n1,2,3\n', 'C'), /line 1, column C: missing/);
  });

  it('refuses a line with the wrong number of fields, an empty input and an unknown law', () => {
    assert.throws(() => parseScalingCsv('C,loss\n1e18,3,7\n', 'C'), /line 2: has 3 fields, the header has 2/);
    assert.throws(() => parseScalingCsv('\n\n', 'C'), /line 1: empty input; expected a header line C,loss/);
    assert.throws(() => parseScalingCsv('C,loss\n', 'C'), /line 1: no data lines after the header/);
    assert.throws(() => parseScalingCsv('C,loss\n1,2\n', 'X' as 'C'), /unknown law "X": use one of joint, C, N, D/);
  });
});
