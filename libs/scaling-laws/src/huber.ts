/**
 * The Huber loss used by the Chinchilla fit: quadratic for |r| <= delta, linear beyond, so
 * that a few outlying points (the ones the quadratic would chase) pull with bounded force.
 * Same convention as scipy.special.huber: r^2 / 2 inside, delta (|r| - delta / 2) outside.
 */
export function huber(residual: number, delta: number): number {
  const size = Math.abs(residual);
  return size <= delta ? 0.5 * residual * residual : delta * (size - 0.5 * delta);
}

/** d huber / d residual: the residual clipped to [-delta, delta]. */
export function huberDerivative(residual: number, delta: number): number {
  return residual > delta ? delta : residual < -delta ? -delta : residual;
}
