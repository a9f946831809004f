/**
 * tfjs-core's node build registers no gradients (only the @tensorflow/tfjs umbrella does,
 * with layers, converter, data and webgl in tow). The model's nonlinear ops carry their own
 * backward passes (ops.ts); what remains between them are a few structural kernels (Add, Multiply, Sum, Reshape,
 * Transpose), whose
 * gradients are registered here unless something (e.g. tfjs-node's umbrella) already did.
 */
import { tf } from './tf.js';

/** Sums a broadcast gradient back down to the shape of the input it came from. */
function unbroadcast(dy: tf.Tensor, shape: number[]): tf.Tensor {
  const axes = tf.backend_util.getReductionAxes(shape, dy.shape);
  return tf.reshape(axes.length > 0 ? tf.sum(dy, axes) : dy, shape);
}

const GRADIENTS: tf.GradConfig[] = [
  {
    kernelName: tf.Add,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      return { a: () => unbroadcast(dy as tf.Tensor, a.shape), b: () => unbroadcast(dy as tf.Tensor, b.shape) };
    },
  },
  {
    kernelName: tf.Multiply,
    inputsToSave: ['a', 'b'],
    gradFunc: (dy, saved) => {
      const [a, b] = saved as [tf.Tensor, tf.Tensor];
      return {
        a: () => unbroadcast(tf.mul(dy as tf.Tensor, tf.cast(b, 'float32')), a.shape),
        b: () => unbroadcast(tf.mul(dy as tf.Tensor, tf.cast(a, 'float32')), b.shape),
      };
    },
  },
  {
    kernelName: tf.Sum,
    inputsToSave: ['x'],
    gradFunc: (dy, saved, attrs) => {
      const [x] = saved as [tf.Tensor];
      const axes = tf.util.parseAxisParam((attrs as unknown as tf.SumAttrs).axis, x.shape);
      const kept = tf.backend_util.expandShapeToKeepDim((dy as tf.Tensor).shape, axes);
      return { x: () => tf.mul(tf.reshape(dy as tf.Tensor, kept), tf.onesLike(x)) };
    },
  },
  {
    kernelName: tf.Reshape,
    inputsToSave: ['x'],
    gradFunc: (dy, saved) => {
      const [x] = saved as [tf.Tensor];
      return { x: () => tf.reshape(dy as tf.Tensor, x.shape) };
    },
  },
  {
    kernelName: tf.Transpose,
    gradFunc: (dy, _saved, attrs) => {
      const perm = (attrs as unknown as tf.TransposeAttrs).perm;
      const inverse = new Array<number>(perm.length);
      perm.forEach((axis, index) => (inverse[axis] = index));
      return { x: () => tf.transpose(dy as tf.Tensor, inverse) };
    },
  },
];

/** Registers the missing gradients; idempotent. */
export function registerStructuralGradients(): void {
  for (const config of GRADIENTS) {
    if (!tf.getGradient(config.kernelName)) tf.registerGradient(config);
  }
}
