/**
 * Principal component analysis as OpenCV's `cv::PCA` computes it (Turk & Pentland 1991,
 * "Eigenfaces for recognition", J. Cognitive Neuroscience 3(1):71-86, for the trick).
 *
 * With N samples of dimension D, OpenCV diagonalises the smaller of the two scatter matrices,
 * both scaled by 1/N:
 * - N < D (faces): the N x N Gram matrix `Ac Ac^T`; its eigenvector v gives the principal
 *   axis `Ac^T v`, normalised to unit length (a zero vector stays zero);
 * - N >= D: the D x D covariance `Ac^T Ac` directly.
 * At most min(N, D) components exist; `maxComponents <= 0` keeps them all.
 *
 * @module
 */
import { dot, gramCols, gramRows, type Matrix, matrix, multiply } from "./_matrix.ts";
import { symmetricEigen } from "./_symmetric_eigen.ts";

/** A fitted PCA basis. */
export interface PcaResult {
  /** Mean sample, length D. */
  readonly mean: Float64Array;
  /** Variances along the axes (eigenvalues of the 1/N-scaled scatter), descending. */
  readonly eigenvalues: Float64Array;
  /** K x D, one unit principal axis per row. */
  readonly eigenvectors: Matrix;
}

/**
 * Fits a PCA to the rows of `data` (N x D), keeping at most `maxComponents` axes. With
 * `overwrite`, `data` is centred in place (and so destroyed).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pca } from "./pca.ts";
 * import { fromRows } from "./_matrix.ts";
 * const { mean, eigenvalues } = pca(fromRows([[0, 0], [2, 0], [0, 2], [2, 2]]), 0);
 * // mean [1, 1]; both axes have variance 1
 * assert.equal(mean[0], 1);
 * assert.ok(Math.abs(eigenvalues[0]! - 1) < 1e-12);
 * ```
 */
export function pca(
  data: Matrix,
  maxComponents: number,
  options: { overwrite?: boolean } = {},
): PcaResult {
  const n = data.rows, d = data.cols;
  if (n === 0 || d === 0) throw new RangeError(`pca: expected a non-empty matrix, got ${n}x${d}`);
  const mean = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const base = r * d;
    for (let c = 0; c < d; c++) mean[c] = mean[c]! + data.data[base + c]!;
  }
  for (let c = 0; c < d; c++) mean[c] = mean[c]! / n;
  // Centring in place (overwrite) saves a second N x D matrix when the caller built `data`
  // for this call only.
  const centred = options.overwrite ? data : matrix(n, d);
  for (let r = 0; r < n; r++) {
    const base = r * d;
    for (let c = 0; c < d; c++) centred.data[base + c] = data.data[base + c]! - mean[c]!;
  }
  const count = Math.min(n, d);
  const keep = maxComponents > 0 ? Math.min(count, maxComponents) : count;

  if (d <= n) {
    const cov = gramCols(centred);
    for (let i = 0; i < cov.data.length; i++) cov.data[i] = cov.data[i]! / n;
    const { values, vectors } = symmetricEigen(cov);
    const eigenvectors = matrix(keep, d, vectors.data.slice(0, keep * d));
    return { mean, eigenvalues: values.slice(0, keep), eigenvectors };
  }

  const gram = gramRows(centred);
  for (let i = 0; i < gram.data.length; i++) gram.data[i] = gram.data[i]! / n;
  const { values, vectors } = symmetricEigen(gram);
  const axes = multiply(vectors, centred, keep);
  for (let k = 0; k < keep; k++) {
    const out = k * d;
    const len = Math.sqrt(dot(axes.data, out, axes.data, out, d));
    if (len > 0) {
      for (let c = 0; c < d; c++) axes.data[out + c] = axes.data[out + c]! / len;
    }
  }
  return { mean, eigenvalues: values.slice(0, keep), eigenvectors: axes };
}

/** Projects the rows of `data` onto `axes` (K x D) after subtracting `mean`: N x K. */
export function projectRows(data: Matrix, mean: Float64Array, axes: Matrix): Matrix {
  const n = data.rows, d = data.cols, k = axes.rows;
  if (axes.cols !== d || mean.length !== d) {
    throw new TypeError(
      `projectRows: expected axes and mean of dimension ${d}, got ${axes.cols} and ${mean.length}`,
    );
  }
  const out = matrix(n, k);
  const x = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < d; c++) x[c] = data.data[r * d + c]! - mean[c]!;
    for (let j = 0; j < k; j++) out.data[r * k + j] = dot(axes.data, j * d, x, 0, d);
  }
  return out;
}
