#!/usr/bin/env node
// Launcher for `npx downscale`: the CLI is TypeScript compiled to dist by `npm run build`.
import { existsSync } from 'node:fs';

const entry = new URL('../dist/main.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('downscale is not built yet: run "npm run build" (or "npm start") in the repository root first.');
  process.exit(1);
}
await import(entry.href);
