// Next.js configuration of the dashboard. The build must work offline: no telemetry, no
// remote fonts or images. The database stack (TypeORM and its drivers, loaded through
// @downscale/persistence) and the NATS client (through @downscale/messaging) stay outside the
// bundle and are loaded by Node at run time.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

process.env.NEXT_TELEMETRY_DISABLED ??= '1';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Whether Next gzips its responses: DASHBOARD_COMPRESS=1|true or 0|false decides; unset, only
 * a dashboard that is not bound to loopback does. Next records the address it listens on in
 * __NEXT_PRIVATE_ORIGIN before it reads this file (lib/writes.ts reads it the same way). On
 * loopback there is no network to save: gzip only delays the last byte of each page, by
 * 30-60 ms for a zoomed 50-run chart (477 kB), since it compresses the stream as it is rendered.
 */
function compressResponses(env) {
  const flag = env.DASHBOARD_COMPRESS?.trim().toLowerCase();
  if (flag === '1' || flag === 'true') return true;
  if (flag === '0' || flag === 'false') return false;
  return !/^https?:\/\/(127\.0\.0\.1|\[::1\]):/.test(env.__NEXT_PRIVATE_ORIGIN ?? '');
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  serverExternalPackages: ['typeorm', 'better-sqlite3', 'pg', 'reflect-metadata', '@downscale/persistence', '@downscale/messaging', '@downscale/experiments', '@nats-io/transport-node', '@nats-io/nats-core', '@nats-io/jetstream'],
  images: { unoptimized: true },
  compress: compressResponses(process.env),
  // The workspace packages live above this folder (npm workspaces, one lockfile at the root).
  turbopack: { root: repoRoot },
  outputFileTracingRoot: repoRoot,
};

export default nextConfig;
