/**
 * Numerical rank of a symmetric positive semi-definite matrix by Cholesky factorisation with
 * diagonal (complete) pivoting, stopped as LAPACK's `dpstrf` stops: when the largest remaining
 * diagonal entry is at most `n * DBL_EPSILON * max(diag(A))` (Higham, "Analysis of the
 * Cholesky decomposition of a semi-definite matrix", in Reliable Numerical Computation,
 * Oxford 1990, pp. 161-185).
 *
 * LDA asks this of the within-class scatter before inverting it: OpenCV's LU only refuses
 * pivots below an absolute 100 x DBL_EPSILON, which a scatter of pixel values (entries near
 * 1e7) never has, so a rank-deficient one is "inverted" into amplified rounding noise. It
 * costs n^3/3 multiply-adds, a fraction of the LU inverse and eigensolver that follow.
 *
 * @module
 */
import type { Matrix } from "./_matrix.ts";

/** The numerical rank of the symmetric positive semi-definite matrix `m` (0 for a zero one). */
export function psdRank(m: Matrix): number {
  const n = m.rows;
  if (m.cols !== n) throw new TypeError(`psdRank: expected a square matrix, got ${n}x${m.cols}`);
  const a = Float64Array.from(m.data);
  let largest = 0;
  for (let i = 0; i < n; i++) largest = Math.max(largest, a[i * n + i]!);
  const tolerance = n * Number.EPSILON * largest;
  const column = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (a[i * n + i]! > a[p * n + p]!) p = i;
    const pivot = a[p * n + p]!;
    // `!(pivot > tolerance)` also stops on NaN.
    if (!(pivot > tolerance)) return k;
    if (p !== k) swapSymmetric(a, n, k, p);
    const r = Math.sqrt(pivot);
    for (let i = k + 1; i < n; i++) column[i] = a[i * n + k]! / r;
    // Schur complement of the trailing block, both halves (rows stay contiguous in memory).
    for (let i = k + 1; i < n; i++) {
      const row = i * n, li = column[i]!;
      if (li === 0) continue;
      for (let j = k + 1; j < n; j++) a[row + j] = a[row + j]! - li * column[j]!;
    }
  }
  return n;
}

/** Swaps rows k and p, then columns k and p, of the n x n matrix `a`. */
function swapSymmetric(a: Float64Array, n: number, k: number, p: number): void {
  for (let j = 0; j < n; j++) {
    const t = a[k * n + j]!;
    a[k * n + j] = a[p * n + j]!;
    a[p * n + j] = t;
  }
  for (let i = 0; i < n; i++) {
    const t = a[i * n + k]!;
    a[i * n + k] = a[i * n + p]!;
    a[i * n + p] = t;
  }
}
