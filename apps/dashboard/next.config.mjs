// Next.js configuration of the dashboard. The build must work offline: no telemetry, no
// remote fonts or images. The database stack (TypeORM and its drivers, loaded through
// @downscale/persistence) and the NATS client (through @downscale/messaging) stay outside the
// bundle and are loaded by Node at run time.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.NEXT_TELEMETRY_DISABLED ??= '1';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ['typeorm', 'better-sqlite3', 'pg', 'reflect-metadata', '@downscale/persistence', '@downscale/messaging', '@downscale/experiments', '@nats-io/transport-node', '@nats-io/nats-core', '@nats-io/jetstream'],
  images: { unoptimized: true },
  // The workspace packages live above this folder (npm workspaces, one lockfile at the root).
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
};

export default nextConfig;
