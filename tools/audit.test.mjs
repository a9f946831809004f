// tools/audit.mjs: which npm audit answers fail CI (undocumented high/critical advisories) and which do not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { documentedAdvisories, judgeAudit } from './audit.mjs';

const advisory = (name, severity, id) => ({ source: 1, name, dependency: name, title: `${name} is bad`, url: `https://github.com/advisories/${id}`, severity, range: '<2.0.0' });
const report = (vulnerabilities) => ({ auditReportVersion: 2, vulnerabilities, metadata: { vulnerabilities: { high: 1, critical: 1, total: 2 } } });

describe('tools/audit.mjs', () => {
  it('reads the GHSA ids of the README Security section only', () => {
    const readme = '# x\nGHSA-aaaa-bbbb-cccc elsewhere\n## Security\nwe judged ghsa-1111-2222-3333 harmless\n### Sub\nGHSA-4444-5555-6666\n## Next\nGHSA-7777-8888-9999\n';
    assert.deepEqual([...documentedAdvisories(readme)].sort(), ['GHSA-1111-2222-3333', 'GHSA-4444-5555-6666']);
    assert.equal(documentedAdvisories('# no section').size, 0);
  });

  it('fails on a high or critical advisory that is not documented, and names it with its packages', () => {
    const verdict = judgeAudit(
      report({
        lib: { name: 'lib', severity: 'critical', range: '<2.0.0', via: [advisory('lib', 'critical', 'GHSA-aaaa-bbbb-cccc')] },
        // A package affected only through another one's advisory (a string via) adds nothing of its own.
        app: { name: 'app', severity: 'critical', range: '*', via: ['lib'] },
        low: { name: 'low', severity: 'moderate', range: '*', via: [advisory('low', 'moderate', 'GHSA-dddd-eeee-ffff')] },
      }),
      new Set(),
    );
    assert.equal(verdict.status, 'fail');
    assert.deepEqual(verdict.blocking.map((a) => [a.id, a.severity, a.packages]), [['GHSA-AAAA-BBBB-CCCC', 'critical', ['lib@<2.0.0']]]);
  });

  it('passes when every high or critical advisory is documented, or there is none', () => {
    const vulnerable = report({ lib: { name: 'lib', severity: 'high', via: [advisory('lib', 'high', 'GHSA-aaaa-bbbb-cccc')] } });
    const verdict = judgeAudit(vulnerable, new Set(['GHSA-AAAA-BBBB-CCCC']));
    assert.equal(verdict.status, 'ok');
    assert.equal(verdict.documented.length, 1);
    assert.equal(judgeAudit(report({}), new Set()).status, 'ok');
  });

  it('calls an answer without a report (audit service unreachable) unavailable, not a failure', () => {
    const verdict = judgeAudit({ message: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk', statusCode: 405 }, new Set());
    assert.deepEqual(verdict, { status: 'unavailable', reason: '405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk' });
    assert.equal(judgeAudit(undefined, new Set()).status, 'unavailable');
  });
});
