import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { parseServiceSettings } from './settings.js';

const schema = z.object({
  A_MS: z.coerce.number({ error: 'must be a number' }).int().min(1, 'must be at least 1').default(10),
  B_MS: z.coerce.number({ error: 'must be a number' }).int().min(1, 'must be at least 1').default(20),
});
const check = (s: z.output<typeof schema>) => (s.A_MS >= s.B_MS ? [`A_MS=${s.A_MS}: must be below B_MS (${s.B_MS})`] : []);

describe('parseServiceSettings', () => {
  it('fills defaults and returns the parsed settings', () => {
    assert.deepEqual(parseServiceSettings('test settings', schema, { B_MS: '30' }, { check }), { A_MS: 10, B_MS: 30 });
  });

  it('names every bad variable with its value, then says where the settings are documented', () => {
    assert.throws(
      () => parseServiceSettings('test settings', schema, { A_MS: 'x', B_MS: '0' }, { check, docs: 'apps/x/README.md' }),
      { message: 'invalid test settings:\n  A_MS="x": must be a number\n  B_MS="0": must be at least 1\nFix these environment variables and start again (apps/x/README.md).' },
    );
  });

  it('runs the cross-variable check once every variable is valid', () => {
    assert.throws(() => parseServiceSettings('test settings', schema, { A_MS: '50' }, { check }), {
      message: 'invalid test settings:\n  A_MS=50: must be below B_MS (20)\nFix these environment variables and start again (README: Configuration).',
    });
  });
});
