import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeLatex, fitsLatexTable, latexNumber } from './fits-latex.js';

test('numbers: 3 significant digits, powers of ten outside 0.01..9999, unbounded as infinity', () => {
  assert.equal(latexNumber(0.07), '$0.0700$');
  assert.equal(latexNumber(6.918), '$6.92$');
  assert.equal(latexNumber(1e12), '$1.00 \\times 10^{12}$');
  assert.equal(latexNumber(-2.5e-5), '$-2.50 \\times 10^{-5}$');
  assert.equal(latexNumber(9.996e5), '$1.00 \\times 10^{6}$', 'rounding carries into the exponent');
  assert.equal(latexNumber(0), '$0$');
  assert.equal(latexNumber(null, -1), '$-\\infty$');
  assert.equal(latexNumber(null), '$\\infty$');
  assert.equal(latexNumber(Infinity, -1), '$\\infty$');
});

test('text: the special characters are escaped', () => {
  assert.equal(escapeLatex('a_b & 50% #1 {x} $y ~ ^ \\'), 'a\\_b \\& 50\\% \\#1 \\{x\\} \\$y \\textasciitilde{} \\textasciicircum{} \\textbackslash{}');
});

test('the table: a row per parameter, each law named once, balanced environments', () => {
  const tex = fitsLatexTable(
    [
      { axis: 'params', form: 'pure-power', variant: 'simplified', version: 2, parameters: { xc: 1e12, alpha: 0.07 }, intervals: { xc: [5e11, 2e12], alpha: [0.06, null] }, r2LogSpace: 0.9871, runIds: ['a', 'b', 'c'] },
      { axis: 'compute', form: 'power-plus-constant', variant: 'regular', version: 1, parameters: { E: 1.5, A: 20, alpha: 0.3 }, intervals: {}, r2LogSpace: null, runIds: ['a'] },
    ],
    'Fits of exp_1 (100%)',
  );
  const lines = tex.split('\n');
  assert.ok(lines.includes('\\caption{Fits of exp\\_1 (100\\%)}'));
  assert.ok(lines.includes('$N$ & simplified & pure power (v2) & $\\alpha$ & $0.0700$ & [$0.0600$, $\\infty$] & $0.987$ & 3 \\\\'));
  assert.ok(lines.includes(' &  &  & $x_c$ & $1.00 \\times 10^{12}$ & [$5.00 \\times 10^{11}$, $2.00 \\times 10^{12}$] &  &  \\\\'));
  assert.ok(lines.includes('$C$ & regular & power + constant (v1) & $A$ & $20.0$ & --- &  & 1 \\\\'));
  assert.equal(lines.filter((l) => l.endsWith('\\\\')).length, 1 + 2 + 3, 'the header and a row per parameter');
  for (const environment of ['table', 'tabular']) {
    assert.equal(tex.split(`\\begin{${environment}}`).length, tex.split(`\\end{${environment}}`).length);
  }
  assert.equal(tex.split('{').length, tex.split('}').length, 'braces balance');
});
