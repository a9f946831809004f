/**
 * Backend selection: the fastest TensorFlow.js backend present, or the one forced by
 * DOWNSCALE_TF_BACKEND (then by the caller's preference). Native bindings and WebGPU (with
 * Dawn's Node binding, npm `webgpu`, as its navigator.gpu) are optional packages loaded by
 * dynamic import, so nothing here needs them installed.
 */
import { tf } from './tf.js';

export const BACKEND_ENV = 'DOWNSCALE_TF_BACKEND';

/** Backends in order of preference; 'tensorflow' is the native binding's name. */
export const BACKEND_PREFERENCE = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_PREFERENCE)[number];

const OPTIONAL_PACKAGES: Partial<Record<BackendName, readonly string[]>> = {
  tensorflow: ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'],
  webgpu: ['@tensorflow/tfjs-backend-webgpu'],
};

/** How to get each optional backend, for the error of a forced one that did not start. */
const INSTALL_HINTS: Partial<Record<BackendName, string>> = {
  tensorflow: 'install @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node',
  webgpu: 'install @tensorflow/tfjs-backend-webgpu and webgpu (Dawn), on a machine with a GPU Dawn can drive (Vulkan, Metal or D3D12)',
};

const DAWN_PACKAGE = 'webgpu';

interface GpuLike {
  requestAdapter(): Promise<unknown>;
}

let webGpuAdapter: Promise<boolean> | undefined;

/**
 * Whether WebGPU has an adapter in this process. Node has no navigator.gpu of its own: Dawn's
 * binding provides it when installed (Node 20 has no navigator either). Checked once.
 */
function webGpuAvailable(): Promise<boolean> {
  webGpuAdapter ??= (async () => {
    const scope = globalThis as { navigator?: { gpu?: GpuLike } };
    if (!scope.navigator?.gpu) {
      let dawn: { create(flags: string[]): GpuLike; globals: object };
      try {
        dawn = (await import(DAWN_PACKAGE)) as typeof dawn;
      } catch {
        return false; // not installed
      }
      Object.assign(globalThis, dawn.globals); // GPUBufferUsage and the other WebGPU constants
      const gpu = dawn.create([]);
      if (scope.navigator) Object.defineProperty(scope.navigator, 'gpu', { value: gpu, configurable: true });
      else scope.navigator = { gpu };
    }
    return (await scope.navigator!.gpu!.requestAdapter().catch(() => null)) != null;
  })();
  return webGpuAdapter;
}

async function importFirst(packages: readonly string[]): Promise<boolean> {
  for (const name of packages) {
    try {
      await import(name); // registers its backend with the shared tfjs-core
      return true;
    } catch {
      // not installed or its native library failed to load: try the next one
    }
  }
  return false;
}

async function tryBackend(name: BackendName): Promise<boolean> {
  if (name === 'webgpu' && !(await webGpuAvailable())) return false;
  const packages = OPTIONAL_PACKAGES[name];
  if (packages && !tf.findBackendFactory(name) && !(await importFirst(packages))) return false;
  if (!tf.findBackendFactory(name)) return false; // the package registered with another tfjs-core copy
  try {
    return (await tf.setBackend(name)) && tf.getBackend() === name;
  } catch {
    return false;
  }
}

function isBackendName(name: string): name is BackendName {
  return (BACKEND_PREFERENCE as readonly string[]).includes(name);
}

/**
 * Activates a backend and returns the name actually in use. A name in DOWNSCALE_TF_BACKEND
 * (else `preferred`) is required to work; without either, the first that works of
 * tensorflow (native), webgpu, wasm, cpu is taken.
 */
export async function selectBackend(preferred?: string): Promise<BackendName> {
  const forced = process.env[BACKEND_ENV] || preferred;
  if (forced) {
    const source = process.env[BACKEND_ENV] ? BACKEND_ENV : 'preferred backend';
    if (!isBackendName(forced)) {
      throw new Error(`${source} "${forced}" is not one of ${BACKEND_PREFERENCE.join(', ')}`);
    }
    if (!(await tryBackend(forced))) {
      const hint = INSTALL_HINTS[forced] ? ` (${INSTALL_HINTS[forced]})` : '';
      throw new Error(`${source} "${forced}" could not be started${hint}`);
    }
    return forced;
  }
  for (const name of BACKEND_PREFERENCE) {
    if (await tryBackend(name)) return name;
  }
  throw new Error('no TensorFlow.js backend could be started');
}
