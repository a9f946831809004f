/**
 * Matrix products on the machine's OpenBLAS, where it is installed (Debian:
 * libopenblas0-pthread or libopenblas0), called through koffi, an FFI whose npm package ships
 * its binaries (optional: nothing else needs it). On the 2-core VM of BENCHMARKS.md, OpenBLAS's
 * sgemm ran a 512-cube product at 93-101 GFLOP/s on one core, against 25 for XNNPACK in the
 * wasm backend (wasm SIMD has no FMA and no wider vectors). DOWNSCALE_BLAS=off keeps every
 * product in the backend.
 *
 * OpenBLAS runs on one thread per caller: training takes the other cores with data-parallel
 * replicas, and the trainers of `downscale up` run one per core.
 */
import { createRequire } from 'node:module';

export const BLAS_ENV = 'DOWNSCALE_BLAS';

/** The OpenBLAS libraries tried, in order (Debian's names; the first is the threaded build). */
const LIBRARIES = ['libopenblas.so.0', 'libopenblas.so'];

/** cblas's enum values (row-major storage, transposition flags). */
const ROW_MAJOR = 101;
const NO_TRANS = 111;
const TRANS = 112;

export interface Blas {
  /**
   * c = op(a) @ op(b) for row-major float32 matrices, c [m, n], op(a) [m, k], op(b) [k, n];
   * op transposes when its flag is set (a is then stored [k, m], b [n, k]).
   */
  product(a: Float32Array, b: Float32Array, c: Float32Array, m: number, n: number, k: number, transposeA: boolean, transposeB: boolean): void;
}

type Sgemm = (order: number, transA: number, transB: number, m: number, n: number, k: number, alpha: number, a: Float32Array, lda: number, b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number) => void;

interface Koffi {
  load(path: string): { func(signature: string): (...args: unknown[]) => unknown };
}

let loaded: { blas: Blas | null; reason: string } | undefined;

/** DOWNSCALE_BLAS's setting when it turns OpenBLAS off, else undefined. Read at each product, so a test can compare both paths. */
function turnedOff(): string | undefined {
  const setting = process.env[BLAS_ENV]?.trim().toLowerCase();
  return setting === 'off' || setting === '0' || setting === 'false' ? setting : undefined;
}

function load(): { blas: Blas | null; reason: string } {
  let koffi: Koffi;
  try {
    koffi = createRequire(import.meta.url)('koffi') as Koffi;
  } catch (error) {
    return { blas: null, reason: `the optional koffi package did not load (${(error as Error).message.split('\n')[0]}): npm install koffi` };
  }
  const failures: string[] = [];
  for (const library of LIBRARIES) {
    try {
      const lib = koffi.load(library);
      const sgemm = lib.func(
        'void cblas_sgemm(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)',
      ) as Sgemm;
      (lib.func('void openblas_set_num_threads(int threads)') as (threads: number) => void)(1);
      return {
        blas: {
          product(a, b, c, m, n, k, transposeA, transposeB) {
            sgemm(ROW_MAJOR, transposeA ? TRANS : NO_TRANS, transposeB ? TRANS : NO_TRANS, m, n, k, 1, a, transposeA ? m : k, b, transposeB ? k : n, 0, c, n);
          },
        },
        reason: `OpenBLAS (${library})`,
      };
    } catch (error) {
      failures.push(`${library}: ${(error as Error).message.split('\n')[0]}`);
    }
  }
  return { blas: null, reason: `no OpenBLAS library (${failures.join('; ')}): apt-get install libopenblas0-pthread` };
}

/** The machine's OpenBLAS, or null (loaded once per thread). */
export function systemBlas(): Blas | null {
  if (turnedOff()) return null;
  loaded ??= load();
  return loaded.blas;
}

/** What systemBlas finds, or why it finds nothing: for logs and benchmark reports. */
export function blasStatus(): string {
  const off = turnedOff();
  if (off) return `${BLAS_ENV}=${off}`;
  loaded ??= load();
  return loaded.reason;
}

/** A backend's name as runs report it: `wasm + OpenBLAS` where wasm's products run on OpenBLAS. */
export function backendLabel(backend: string): string {
  return backend === 'wasm' && systemBlas() ? 'wasm + OpenBLAS' : backend;
}
