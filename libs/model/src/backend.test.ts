import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { BACKEND_ENV, BACKEND_PREFERENCE, selectBackend, tf } from './index.js';

async function nativeInstalled(): Promise<boolean> {
  for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(name);
      return true;
    } catch {
      // absent
    }
  }
  return false;
}

describe('selectBackend', () => {
  const saved = process.env[BACKEND_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[BACKEND_ENV];
    else process.env[BACKEND_ENV] = saved;
  });

  it('starts the preferred backend and reports it', async () => {
    delete process.env[BACKEND_ENV];
    assert.equal(await selectBackend('cpu'), 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.equal(await selectBackend('wasm'), 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
  });

  it('lets the environment variable override the preference', async () => {
    process.env[BACKEND_ENV] = 'cpu';
    assert.equal(await selectBackend('wasm'), 'cpu');
  });

  it('names the variable and the choices for an unknown backend', async () => {
    process.env[BACKEND_ENV] = 'tpu';
    await assert.rejects(selectBackend(), /DOWNSCALE_TF_BACKEND "tpu" is not one of tensorflow, webgpu, wasm, cpu/);
  });

  it('fails a forced native backend that is not installed, and otherwise falls back to the fastest present', async () => {
    delete process.env[BACKEND_ENV];
    const native = await nativeInstalled();
    if (!native) await assert.rejects(selectBackend('tensorflow'), /could not be started \(install @tensorflow\/tfjs-node-gpu or @tensorflow\/tfjs-node\)/);
    const chosen = await selectBackend();
    assert.ok(BACKEND_PREFERENCE.includes(chosen));
    if (!native) assert.ok(chosen === 'wasm' || chosen === 'webgpu', `without native bindings: ${chosen}`);
  });

  it('fails a forced webgpu without a GPU adapter, naming what it needs', async () => {
    delete process.env[BACKEND_ENV];
    const adapter = await (async () => {
      try {
        const { create } = (await import('webgpu' as string)) as { create(flags: string[]): { requestAdapter(): Promise<unknown> } };
        return (await create([]).requestAdapter()) != null;
      } catch {
        return false;
      }
    })();
    if (adapter) return void assert.equal(await selectBackend('webgpu'), 'webgpu');
    await assert.rejects(selectBackend('webgpu'), /"webgpu" could not be started \(install @tensorflow\/tfjs-backend-webgpu and webgpu \(Dawn\), on a machine with a GPU/);
  });
});
