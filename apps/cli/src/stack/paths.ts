import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file's place in apps/cli/dist/stack. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');

export function serviceEntry(service: string): string {
  return resolve(repoRoot, 'apps', service, 'dist', 'main.js');
}

export const dashboardDir = resolve(repoRoot, 'apps', 'dashboard');
