#!/usr/bin/env node
// CI's dependency audit (README: Security). Runs `npm audit --json` over every dependency,
// runtime and development, and fails only on a high or critical advisory that the README's
// Security section does not document by its GHSA id. When the registry's audit service cannot
// be reached it says so and passes: CI must not fail because of the network.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const blockingSeverities = new Set(['high', 'critical']);
const ghsa = /GHSA(?:-[0-9a-z]{4}){3}/gi;

/** The GHSA ids named in the README's "## Security" section: advisories judged and documented there. */
export function documentedAdvisories(readme) {
  const start = readme.search(/^## Security\s*$/m);
  if (start < 0) return new Set();
  const rest = readme.slice(start + 1);
  const end = rest.search(/^## /m);
  const section = end < 0 ? rest : rest.slice(0, end);
  return new Set([...section.matchAll(ghsa)].map(([id]) => id.toUpperCase()));
}

/**
 * Judges the JSON of `npm audit --json` (report version 2). An answer without a
 * `vulnerabilities` map (the audit service refused or was unreachable) is 'unavailable'.
 * Otherwise every high/critical advisory (the `via` objects; a string `via` points at another
 * package's entry) is either documented or blocking.
 */
export function judgeAudit(report, documented) {
  if (!report || typeof report !== 'object' || typeof report.vulnerabilities !== 'object' || report.vulnerabilities === null) {
    const reason = report?.message ?? report?.error?.summary ?? 'no audit report in npm\'s answer';
    return { status: 'unavailable', reason: String(reason) };
  }
  const advisories = new Map();
  for (const [name, vulnerability] of Object.entries(report.vulnerabilities)) {
    for (const via of vulnerability.via ?? []) {
      if (typeof via !== 'object' || !blockingSeverities.has(via.severity)) continue;
      const id = (String(via.url ?? '').match(ghsa)?.[0] ?? `advisory ${via.source}`).toUpperCase();
      const known = advisories.get(id) ?? { id, severity: via.severity, title: via.title ?? '', url: via.url ?? '', packages: new Set() };
      known.packages.add(`${via.name ?? name}@${via.range ?? vulnerability.range ?? '*'}`);
      advisories.set(id, known);
    }
  }
  const all = [...advisories.values()].map((a) => ({ ...a, packages: [...a.packages].sort() })).sort((a, b) => a.id.localeCompare(b.id));
  const blocking = all.filter((a) => !documented.has(a.id));
  return { status: blocking.length > 0 ? 'fail' : 'ok', blocking, documented: all.filter((a) => documented.has(a.id)), counts: report.metadata?.vulnerabilities ?? {} };
}

function main() {
  const root = resolve(import.meta.dirname, '..');
  const documented = documentedAdvisories(readFileSync(join(root, 'README.md'), 'utf8'));
  const npm = spawnSync('npm', ['audit', '--json'], { cwd: root, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  let report;
  try {
    report = JSON.parse(npm.stdout);
  } catch {
    report = { message: npm.error?.message ?? (npm.stderr.trim().split('\n').at(-1) || `npm audit exited ${npm.status} without a report`) };
  }
  const verdict = judgeAudit(report, documented);
  if (verdict.status === 'unavailable') {
    console.log(`NOTE: npm audit could not be run (${verdict.reason}): the registry's audit service is unreachable from here; dependencies were NOT audited in this run.`);
    return 0;
  }
  const line = (a) => `  ${a.severity.padEnd(8)} ${a.id} ${a.title} (${a.packages.join(', ')}) ${a.url}`;
  const counts = Object.entries(verdict.counts).filter(([k, n]) => k !== 'total' && n > 0).map(([k, n]) => `${n} ${k}`).join(', ');
  console.log(`npm audit: ${counts || 'no known vulnerabilities'}`);
  if (verdict.documented.length > 0) console.log(`high/critical advisories documented in README (Security):\n${verdict.documented.map(line).join('\n')}`);
  if (verdict.blocking.length > 0) {
    console.error(`high/critical advisories that README (Security) does not document: fix them (npm audit fix, an update or an override) or explain there why they do not apply, naming the GHSA id:\n${verdict.blocking.map(line).join('\n')}`);
    return 1;
  }
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exit(main());
