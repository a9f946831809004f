// The one place that imports TensorFlow.js: tfjs-core plus the two backends that always
// install (cpu, wasm). Native and WebGPU backends are loaded on demand by backend.ts.
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';

// PROD silences the cpu backend's "install the node backend" banner: backend.ts already
// takes the native binding whenever it is installed.
tf.env().set('PROD', true);

export { tf };
