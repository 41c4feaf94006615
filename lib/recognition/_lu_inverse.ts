/**
 * Matrix inverse by Gaussian elimination with partial pivoting (what OpenCV's
 * `Mat::inv(DECOMP_LU)` does), used for the within-class scatter in LDA.
 *
 * @module
 */
import { type Matrix, matrix } from "./_matrix.ts";

/** Pivots smaller than this count as zero, as in OpenCV's LU (100 x DBL_EPSILON). */
const SINGULAR_PIVOT = 100 * Number.EPSILON;

/** Inverse of a square matrix; RangeError when it is singular. */
export function luInverse(m: Matrix): Matrix {
  const n = m.rows;
  if (m.cols !== n) throw new TypeError(`luInverse: expected a square matrix, got ${n}x${m.cols}`);
  const a = Float64Array.from(m.data);
  const b = matrix(n, n);
  const x = b.data;
  for (let i = 0; i < n; i++) x[i * n + i] = 1;
  for (let i = 0; i < n; i++) {
    let p = i;
    for (let j = i + 1; j < n; j++) {
      if (Math.abs(a[j * n + i]!) > Math.abs(a[p * n + i]!)) p = j;
    }
    if (Math.abs(a[p * n + i]!) < SINGULAR_PIVOT) {
      throw new RangeError(`luInverse: matrix is singular (pivot ${i} of ${n} is ~0)`);
    }
    if (p !== i) {
      for (let j = 0; j < n; j++) {
        const t = a[i * n + j]!;
        a[i * n + j] = a[p * n + j]!;
        a[p * n + j] = t;
        const u = x[i * n + j]!;
        x[i * n + j] = x[p * n + j]!;
        x[p * n + j] = u;
      }
    }
    const d = -1 / a[i * n + i]!;
    for (let j = i + 1; j < n; j++) {
      const alpha = a[j * n + i]! * d;
      if (alpha === 0) continue;
      for (let k = i + 1; k < n; k++) a[j * n + k] = a[j * n + k]! + alpha * a[i * n + k]!;
      for (let k = 0; k < n; k++) x[j * n + k] = x[j * n + k]! + alpha * x[i * n + k]!;
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    const inv = 1 / a[i * n + i]!;
    for (let k = 0; k < n; k++) {
      let s = x[i * n + k]!;
      for (let j = i + 1; j < n; j++) s -= a[i * n + j]! * x[j * n + k]!;
      x[i * n + k] = s * inv;
    }
  }
  return b;
}
