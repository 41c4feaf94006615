/**
 * Eigen-decomposition of a real symmetric matrix: Householder reduction to tridiagonal form
 * followed by the implicit QL algorithm (Martin, Reinsch & Wilkinson's tred2/tql2, Handbook
 * for Automatic Computation vol. II, as in EISPACK and JAMA). Used for the PCA covariance or
 * Gram matrix; it plays the part of `cv::eigen` there.
 *
 * @module
 */
import { type Matrix, matrix } from "./_matrix.ts";

/** Eigenvalues in descending order and the matching unit eigenvectors, one per row. */
export interface SymmetricEigen {
  readonly values: Float64Array;
  /** Row k is the eigenvector of `values[k]`. */
  readonly vectors: Matrix;
}

/** Eigenvalues (descending) and eigenvectors (as rows) of the symmetric matrix `a`. */
export function symmetricEigen(a: Matrix): SymmetricEigen {
  const n = a.rows;
  if (a.cols !== n) {
    throw new TypeError(`symmetricEigen: expected a square matrix, got ${n}x${a.cols}`);
  }
  // vt holds V transposed: row k of vt is column k of V, so the QL rotations touch rows.
  // A symmetric matrix is its own transpose: copy it (a strided transpose of a large matrix
  // thrashes the cache).
  const vt = isSymmetric(a) ? a.data.slice() : transposed(a);
  const d = new Float64Array(n), e = new Float64Array(n);
  if (n > 0) {
    tridiagonalize(vt, d, e, n);
    diagonalize(vt, d, e, n);
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[j]! - d[i]!);
  const values = new Float64Array(n);
  const vectors = matrix(n, n);
  order.forEach((src, k) => {
    values[k] = d[src]!;
    vectors.data.set(vt.subarray(src * n, src * n + n), k * n);
  });
  return { values, vectors };
}

function isSymmetric(a: Matrix): boolean {
  const n = a.rows;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) if (a.data[i * n + j] !== a.data[j * n + i]) return false;
  }
  return true;
}

function transposed(a: Matrix): Float64Array {
  const n = a.rows, vt = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) vt[j * n + i] = a.data[i * n + j]!;
  }
  return vt;
}

// V[i][j] lives at vt[j * n + i] throughout (the index arithmetic is written out inline: a
// closure for it made later calls several times slower once V8 re-optimised the function).
function tridiagonalize(vt: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let j = 0; j < n; j++) d[j] = vt[j * n + (n - 1)]!;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0, h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]!);
    if (scale === 0) {
      e[i] = d[i - 1]!;
      for (let j = 0; j < i; j++) {
        d[j] = vt[j * n + (i - 1)]!;
        vt[j * n + i] = 0;
        vt[i * n + j] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = d[k]! / scale;
        h += d[k]! * d[k]!;
      }
      let f = d[i - 1]!;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        vt[i * n + j] = f;
        g = e[j]! + vt[j * n + j]! * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += vt[j * n + k]! * d[k]!;
          e[k] = e[k]! + vt[j * n + k]! * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = e[j]! / h;
        f += e[j]! * d[j]!;
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = e[j]! - hh * d[j]!;
      for (let j = 0; j < i; j++) {
        f = d[j]!;
        g = e[j]!;
        for (let k = j; k <= i - 1; k++) vt[j * n + k] = vt[j * n + k]! - (f * e[k]! + g * d[k]!);
        d[j] = vt[j * n + (i - 1)]!;
        vt[j * n + i] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    vt[i * n + (n - 1)] = vt[i * n + i]!;
    vt[i * n + i] = 1;
    const h = d[i + 1]!;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = vt[(i + 1) * n + k]! / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += vt[(i + 1) * n + k]! * vt[j * n + k]!;
        for (let k = 0; k <= i; k++) vt[j * n + k] = vt[j * n + k]! - g * d[k]!;
      }
    }
    for (let k = 0; k <= i; k++) vt[(i + 1) * n + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = vt[j * n + (n - 1)]!;
    vt[j * n + (n - 1)] = 0;
  }
  vt[(n - 1) * n + (n - 1)] = 1;
  e[0] = 0;
}

function diagonalize(vt: Float64Array, d: Float64Array, e: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i]!;
  e[n - 1] = 0;
  let f = 0, tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > eps * tst1) m++;
    if (m > l) {
      for (let iter = 0; iter < 64 * n; iter++) {
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i] = d[i]! - h;
        f += h;
        p = d[m]!;
        let c = 1, c2 = c, c3 = c, s = 0, s2 = 0;
        const el1 = e[l + 1]!;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          // Rotate eigenvector columns i and i+1 (rows of vt).
          const ri = i * n, rj = (i + 1) * n;
          for (let k = 0; k < n; k++) {
            const hk = vt[rj + k]!;
            const vk = vt[ri + k]!;
            vt[rj + k] = s * vk + c * hk;
            vt[ri + k] = c * vk - s * hk;
          }
        }
        p = -s * s2 * c3 * el1 * e[l]! / dl1;
        e[l] = s * p;
        d[l] = c * p;
        if (!(Math.abs(e[l]!) > eps * tst1)) break;
      }
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
}
