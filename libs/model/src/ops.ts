/**
 * The model's building blocks as tfjs operations. Each nonlinear one has its backward pass
 * written out (tf.customGrad), for three reasons: tfjs-core alone registers no gradients;
 * a backend may lack a kernel the stock gradient needs (wasm has no UnsortedSegmentSum, so
 * no gather gradient); and the stock gradients are slow on wasm (its matmuls with transpose
 * flags run about 3x slower than plain ones). Only Add, Multiply, Sum, Reshape and
 * Transpose rely on registered gradients (gradients.ts).
 */
import { systemBlas, type Blas } from './blas.js';
import { registerStructuralGradients } from './gradients.js';
import { tf } from './tf.js';

registerStructuralGradients();

/** Swaps the last two axes of a rank-2 or rank-3 tensor. */
function transposeLast2<T extends tf.Tensor>(x: T): T {
  return tf.transpose(x, x.rank === 3 ? [0, 2, 1] : [1, 0]) as T;
}

/**
 * a @ b for [n, m, k] x [n, k, p], one [m, k] x [k, p] product per batch entry on wasm. The wasm
 * backend runs only unbatched products in XNNPACK; a batched one (attention's, per head) goes
 * to a scalar loop about 10x slower, which made attention a quarter of a training step. The
 * entries are cut from one read of each input: wasm's Slice kernel copies the whole input per
 * slice, which would cost more than the products.
 */
function batchedMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (tf.getBackend() !== 'wasm') return tf.matMul(a, b);
  const [n, m, k] = a.shape;
  const p = b.shape[2];
  const lhs = a.dataSync() as Float32Array;
  const rhs = b.dataSync() as Float32Array;
  return tf.tidy(() => {
    const products: tf.Tensor2D[] = [];
    for (let i = 0; i < n; i++) {
      const left = tf.tensor2d(lhs.subarray(i * m * k, (i + 1) * m * k), [m, k]);
      const right = tf.tensor2d(rhs.subarray(i * k * p, (i + 1) * k * p), [k, p]);
      products.push(tf.matMul(left, right)); // [m, p]
    }
    return tf.reshape(tf.concat(products, 0), [n, m, p]);
  });
}

/** The parts of the wasm backend a product on OpenBLAS reads and writes: tensors' memory on its heap, without copies. */
interface WasmHeap {
  makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array;
}

/**
 * op(a) @ op(b) on OpenBLAS, reading both inputs and writing the product in the wasm backend's
 * heap (rank 2, or rank 3 with one product per batch entry); op transposes the last two axes
 * when its flag is set, which sgemm does as it reads.
 */
function blasMatMul(blas: Blas, a: tf.Tensor, b: tf.Tensor, transposeA: boolean, transposeB: boolean): tf.Tensor {
  const rank = a.rank;
  const batch = rank === 3 ? a.shape[0]! : 1;
  const [aRows, aCols] = [a.shape[rank - 2]!, a.shape[rank - 1]!];
  const [bRows, bCols] = [b.shape[rank - 2]!, b.shape[rank - 1]!];
  const [m, k] = transposeA ? [aCols, aRows] : [aRows, aCols];
  const n = transposeB ? bRows : bCols;
  if (b.rank !== rank || (transposeB ? bCols : bRows) !== k || (rank === 3 && b.shape[0] !== batch)) {
    throw new Error(`matMul: shapes ${JSON.stringify(a.shape)} and ${JSON.stringify(b.shape)} do not multiply`);
  }
  const heap = tf.backend() as unknown as WasmHeap;
  const output = heap.makeOutput(rank === 3 ? [batch, m, n] : [m, n], 'float32');
  // Views taken after the output's allocation, which may have grown (and moved) the heap.
  const [lhs, rhs, out] = [heap.typedArrayFromHeap(a), heap.typedArrayFromHeap(b), heap.typedArrayFromHeap(output)];
  for (let i = 0; i < batch; i++) {
    blas.product(lhs.subarray(i * m * k, (i + 1) * m * k), rhs.subarray(i * k * n, (i + 1) * k * n), out.subarray(i * m * n, (i + 1) * m * n), m, n, k, transposeA, transposeB);
  }
  return tf.engine().makeTensorFromTensorInfo(output);
}

/** OpenBLAS for this product, where the backend is wasm (whose heap it can read) and OpenBLAS is installed. */
function blasFor(a: tf.Tensor, b: tf.Tensor): Blas | null {
  return tf.getBackend() === 'wasm' && a.dtype === 'float32' && b.dtype === 'float32' ? systemBlas() : null;
}

/** a @ b, batched or not: the unbatched product runs in XNNPACK on wasm as it is. */
function plainMatMul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return a.rank === 3 ? batchedMatMul(a as tf.Tensor3D, b as tf.Tensor3D) : tf.matMul(a, b);
}

const matMulExplicit = tf.customGrad((a, b, save) => {
  const lhs = a as tf.Tensor;
  const rhs = b as tf.Tensor;
  (save as tf.GradSaveFunc)([lhs, rhs]);
  const blas = blasFor(lhs, rhs);
  return {
    value: blas ? blasMatMul(blas, lhs, rhs, false, false) : plainMatMul(lhs, rhs),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [savedA, savedB] = saved as [tf.Tensor, tf.Tensor];
      // dA = dy @ B^T, dB = A^T @ dy: OpenBLAS reads the transposes in place.
      if (blas) return [blasMatMul(blas, dy, savedB, false, true), blasMatMul(blas, savedA, dy, true, false)];
      return [plainMatMul(dy, transposeLast2(savedB)), plainMatMul(transposeLast2(savedA), dy)];
    },
  };
});

/** a @ b for [m, k] x [k, n] or batched [b, m, k] x [b, k, n], with a transpose-flag-free gradient. */
export function matMul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D;
export function matMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D;
export function matMul(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return matMulExplicit(a, b);
}

/**
 * How the embedding gradient (a scatter-add of the upstream gradient into the table's rows)
 * is computed: 'segment-sum' (UnsortedSegmentSum, what tfjs's gather gradient uses) or
 * 'scatter' (ScatterNd, which sums duplicate indices; wasm has it).
 */
export type EmbeddingGradient = 'segment-sum' | 'scatter';

/** 'segment-sum' on the native tensorflow backend, else 'scatter'. */
export function defaultEmbeddingGradient(): EmbeddingGradient {
  // tfjs-core's cpu kernel for UnsortedSegmentSum loops over every segment for every row
  // (V x N work: minutes per step at V = 15k); only the native binding's is fast.
  return tf.getBackend() === 'tensorflow' ? 'segment-sum' : 'scatter';
}

/**
 * Rows of `table` [V, h] at `ids` [N] (int32) -> [N, h]; d table costs N h, not N V h.
 * Integer inputs go through customGrad as inputs (with zero gradients) so that the tape keeps
 * them alive until the backward pass.
 */
export function embeddingLookup(
  table: tf.Tensor2D,
  ids: tf.Tensor1D,
  gradient: EmbeddingGradient = defaultEmbeddingGradient(),
): tf.Tensor2D {
  const lookup = tf.customGrad((weights, indices, save) => {
    const w = weights as tf.Tensor2D;
    const rows = indices as tf.Tensor1D;
    (save as tf.GradSaveFunc)([rows]);
    return {
      value: tf.gather(w, rows),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedRows] = saved as [tf.Tensor1D];
        const dTable =
          gradient === 'scatter'
            ? tf.scatterND(tf.expandDims(savedRows, 1), dy, w.shape)
            : tf.unsortedSegmentSum(dy, savedRows, w.shape[0]);
        return [dTable, tf.zerosLike(savedRows)];
      },
    };
  });
  return lookup(table, ids) as tf.Tensor2D;
}

/**
 * Mean cross-entropy of `logits` [N, V] against `targets` [N] (int32); d logits = (softmax - onehot) / N.
 * One softmax serves both passes: it is the backend's fused kernel (XNNPACK's vectorised exp on
 * wasm), several times faster than the generic exp a logSumExp would run over N x V values.
 */
export function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Scalar {
  const [n, vocab] = logits.shape;
  const loss = tf.customGrad((input, labels, save) => {
    const x = input as tf.Tensor2D;
    const t = labels as tf.Tensor1D;
    const p = tf.softmax(x); // [N, V]
    (save as tf.GradSaveFunc)([p, t]);
    const value = tf.tidy(() => {
      const picked = tf.gather(tf.reshape(x, [n * vocab]), tf.add(tf.mul(tf.range(0, n, 1, 'int32'), tf.scalar(vocab, 'int32')), t)); // x[i, t_i]
      // log p[i, t_i] = (x[i, t_i] - max_j x[i, j]) + log max_j p[i, j]: the largest probability is
      // 1 / sum_j exp(x[i, j] - max), at least 1 / V, so this never takes the log of an underflow.
      const logPicked = tf.add(tf.sub(picked, tf.max(x, 1)), tf.log(tf.max(p, 1)));
      return tf.neg(tf.mean(logPicked));
    });
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [probabilities, savedTargets] = saved as [tf.Tensor2D, tf.Tensor1D];
        // An int32 one-hot: the wasm OneHot kernel writes zeros when asked for float32.
        const perRow = tf.sub(probabilities, tf.oneHot(savedTargets, vocab));
        return [tf.mul(perRow, tf.div(dy, n)), tf.zerosLike(savedTargets)];
      },
    };
  });
  return loss(logits, targets) as tf.Scalar;
}

/**
 * RMSNorm over the last axis: y = x r w with r = (mean(x^2) + eps)^-1/2. With x^ = x r and
 * g = dy w: dx = r (g - x^ mean(g x^)), dw = sum over rows of dy x^.
 */
export function rmsNorm(x: tf.Tensor2D, weight: tf.Tensor1D, eps: number): tf.Tensor2D {
  const norm = tf.customGrad((input, scale, save) => {
    const xs = input as tf.Tensor2D;
    const w = scale as tf.Tensor1D;
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(xs), -1, true), eps)); // [N, 1]
    const normalised = tf.mul(xs, r); // x^
    (save as tf.GradSaveFunc)([normalised, r, w]);
    return {
      value: tf.mul(normalised, w),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xHat, savedR, savedW] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const g = tf.mul(dy, savedW);
        const dx = tf.mul(savedR, tf.sub(g, tf.mul(xHat, tf.mean(tf.mul(g, xHat), -1, true))));
        return [dx, tf.sum(tf.mul(dy, xHat), 0)];
      },
    };
  });
  return norm(x, weight) as tf.Tensor2D;
}

/** SiLU (swish) x sigmoid(x); derivative s (1 + x (1 - s)). */
export function silu(x: tf.Tensor2D): tf.Tensor2D {
  const activation = tf.customGrad((input, save) => {
    const xs = input as tf.Tensor2D;
    (save as tf.GradSaveFunc)([xs]);
    return {
      value: tf.mul(xs, tf.sigmoid(xs)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedX] = saved as [tf.Tensor2D];
        const s = tf.sigmoid(savedX);
        return tf.mul(dy, tf.mul(s, tf.add(1, tf.mul(savedX, tf.sub(1, s)))));
      },
    };
  });
  return activation(x) as tf.Tensor2D;
}

/** Softmax over the last axis; dx = y (dy - sum(dy y)). */
export function softmax(x: tf.Tensor3D): tf.Tensor3D {
  const op = tf.customGrad((input, save) => {
    const y = tf.softmax(input as tf.Tensor3D);
    (save as tf.GradSaveFunc)([y]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedY] = saved as [tf.Tensor3D];
        return tf.mul(savedY, tf.sub(dy, tf.sum(tf.mul(dy, savedY), -1, true)));
      },
    };
  });
  return op(x) as tf.Tensor3D;
}

/**
 * Rotary tables for positions 0..length-1, Hugging Face LLaMA convention: inverse
 * frequencies theta^(-2j/d) for j < d/2, positions divided by the interpolation factor,
 * and the angles repeated as [freqs, freqs] to pair element j with j + d/2 (rotate-half).
 * Returns cos and sin as [length, d] arrays.
 */
export function rotaryTables(
  length: number,
  headDim: number,
  theta: number,
  scalingFactor: number,
): { cos: Float32Array; sin: Float32Array } {
  const half = headDim / 2;
  const cos = new Float32Array(length * headDim);
  const sin = new Float32Array(length * headDim);
  for (let position = 0; position < length; position++) {
    const scaled = position / scalingFactor;
    for (let j = 0; j < half; j++) {
      const angle = scaled * theta ** (-(2 * j) / headDim);
      for (const column of [j, j + half]) {
        cos[position * headDim + column] = Math.cos(angle);
        sin[position * headDim + column] = Math.sin(angle);
      }
    }
  }
  return { cos, sin };
}

/** HF's rotate_half over the last axis: [x1, x2] -> [-x2, x1]. */
/**
 * rotate_half(x) = [-x2, x1] over the last axis (x1, x2 its halves), as a product with a signed
 * permutation matrix [d, d]: on wasm a split and concat of [B, T, H, d] cost 10x this matmul.
 */
function rotateHalf(x: tf.Tensor4D): tf.Tensor4D {
  const d = x.shape[3];
  const half = d / 2;
  const rotation = new Float32Array(d * d);
  for (let j = 0; j < half; j++) {
    rotation[(j + half) * d + j] = -1; // output j takes -x[j + d/2]
    rotation[j * d + j + half] = 1; // output j + d/2 takes x[j]
  }
  return tf.reshape(tf.matMul(tf.reshape(x, [-1, d]), tf.tensor2d(rotation, [d, d])), x.shape);
}

/**
 * x cos + rotate_half(x) sin for x [B, T, H, d] with cos, sin [T, 1, d]. rotate_half is
 * antisymmetric, so dx = dy cos - rotate_half(dy sin).
 */
export function applyRotary(x: tf.Tensor4D, cos: tf.Tensor3D, sin: tf.Tensor3D): tf.Tensor4D {
  const rotary = tf.customGrad((input) => {
    const xs = input as tf.Tensor4D;
    return {
      value: tf.add(tf.mul(xs, cos), tf.mul(rotateHalf(xs), sin)),
      gradFunc: (dy: tf.Tensor) => tf.sub(tf.mul(dy, cos), rotateHalf(tf.mul(dy as tf.Tensor4D, sin))),
    };
  });
  return rotary(x) as tf.Tensor4D;
}
