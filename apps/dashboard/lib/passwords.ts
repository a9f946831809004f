// Password hashes of the dashboard's users: scrypt (Node's crypto, memory-hard), stored as
// `scrypt$N$r$p$salt$hash` (salt and hash base64url) so that the cost can be raised later
// without invalidating the hashes already written.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const cost = { N: 16_384, r: 8, p: 1 };
const keyLength = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password.normalize('NFKC'), salt, keyLength, { ...options, maxmem: 256 * options.N! * options.r! }, (error, key) => (error ? reject(error) : resolve(key))));
}

/** A new hash of `password`, with a random salt. */
export async function hashPassword(password: string): Promise<string> {
  if (password.length < 8) throw new Error('a password needs at least 8 characters');
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether a stored hash is one this module can check; the reason when not. */
export function hashProblem(stored: string): string | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return 'is not a scrypt$N$r$p$salt$hash password hash (make one with: node apps/dashboard/bin/hash-password.mjs)';
  const [n, r, p] = parts.slice(1, 4).map(Number);
  if (![n, r, p].every((v) => Number.isInteger(v) && v! > 0) || (n! & (n! - 1)) !== 0) return 'has scrypt costs that are not positive integers with N a power of two';
  return undefined;
}

/** Whether `password` matches `stored`; compared in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const problem = hashProblem(stored);
  if (problem) throw new Error(`the stored password hash ${problem}`);
  const [, n, r, p, salt, hash] = stored.split('$') as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
