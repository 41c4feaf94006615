/**
 * Linear discriminant analysis as OpenCV's `cv::LDA` computes it (Belhumeur, Hespanha &
 * Kriegman 1997, "Eigenfaces vs. Fisherfaces", IEEE TPAMI 19(7):711-720).
 *
 * Within-class scatter `Sw = sum (x - mean_class)(x - mean_class)^T`; between-class scatter
 * `Sb = sum over classes (mean_class - mean)(mean_class - mean)^T` (unweighted by class size,
 * as OpenCV does). The discriminants are the eigenvectors of `inv(Sw) * Sb` with the largest
 * eigenvalues, scaled as the non-symmetric eigensolver leaves them (see `_general_eigen.ts`).
 *
 * A numerically singular Sw (rank below D, as when training samples repeat) throws
 * {@link SingularScatterError} instead of being inverted: OpenCV inverts it anyway (its LU only
 * refuses pivots below an absolute 1e-14, far below a pixel scatter's rounding noise), which
 * turns rounding noise into the leading discriminants (docs/RECOGNITION.md).
 *
 * @module
 */
import { type Matrix, matrix, multiply } from "./_matrix.ts";
import { generalEigen } from "./_general_eigen.ts";
import { luInverse } from "./_lu_inverse.ts";
import { psdRank } from "./_psd_rank.ts";
import { SingularScatterError } from "./errors.ts";

/** Fitted discriminants. */
export interface LdaResult {
  /** Eigenvalues of `inv(Sw) Sb`, descending, one per kept discriminant. */
  readonly eigenvalues: Float64Array;
  /** D x K, one discriminant per column. */
  readonly eigenvectors: Matrix;
}

/**
 * Fits an LDA to the rows of `data` (N x D) with one label per row, keeping
 * `numComponents` discriminants (`<= 0` or more than C-1 keeps C-1). Throws
 * {@link SingularScatterError} when the within-class scatter is numerically singular.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lda } from "./lda.ts";
 * import { fromRows } from "./_matrix.ts";
 * const data = fromRows([[0, 0], [1, 2], [2, 1], [6, 0], [7, 2], [8, 1]]);
 * const { eigenvalues, eigenvectors } = lda(data, [0, 0, 0, 1, 1, 1], 0);
 * assert.equal(eigenvectors.cols, 1); // two classes: one discriminant
 * assert.ok(Math.abs(eigenvalues[0]! - 6) < 1e-12);
 * ```
 */
export function lda(data: Matrix, labels: readonly number[], numComponents: number): LdaResult {
  const n = data.rows, d = data.cols;
  if (labels.length !== n) {
    throw new TypeError(`lda: expected ${n} labels (one per row), got ${labels.length}`);
  }
  const classes = [...new Set(labels)].sort((a, b) => a - b);
  const c = classes.length;
  if (c < 2) throw new RangeError(`lda: expected at least 2 classes, got ${c}`);
  const classOf = new Map(classes.map((label, i) => [label, i]));
  // At most C-1 discriminants exist, and at most D in a D-dimensional space.
  const keep = Math.min(
    numComponents <= 0 || numComponents > c - 1 ? c - 1 : numComponents,
    d,
  );

  const meanTotal = new Float64Array(d);
  const meanClass = matrix(c, d);
  const counts = new Float64Array(c);
  for (let r = 0; r < n; r++) {
    const k = classOf.get(labels[r]!)!;
    counts[k] = counts[k]! + 1;
    for (let j = 0; j < d; j++) {
      const v = data.data[r * d + j]!;
      meanTotal[j] = meanTotal[j]! + v;
      meanClass.data[k * d + j] = meanClass.data[k * d + j]! + v;
    }
  }
  for (let j = 0; j < d; j++) meanTotal[j] = meanTotal[j]! / n;
  for (let k = 0; k < c; k++) {
    for (let j = 0; j < d; j++) meanClass.data[k * d + j] = meanClass.data[k * d + j]! / counts[k]!;
  }

  const sw = matrix(d, d), sb = matrix(d, d);
  const x = new Float64Array(d);
  for (let r = 0; r < n; r++) {
    const k = classOf.get(labels[r]!)!;
    for (let j = 0; j < d; j++) x[j] = data.data[r * d + j]! - meanClass.data[k * d + j]!;
    addOuter(sw, x);
  }
  for (let k = 0; k < c; k++) {
    for (let j = 0; j < d; j++) x[j] = meanClass.data[k * d + j]! - meanTotal[j]!;
    addOuter(sb, x);
  }
  const rank = psdRank(sw);
  if (rank < d) {
    throw new SingularScatterError(
      `lda: the within-class scatter matrix is singular: expected rank ${d} (its dimension), ` +
        `got ${rank} (samples that repeat within a class, or too few per class)`,
      rank,
      d,
    );
  }
  let swInverse: Matrix;
  try {
    swInverse = luInverse(sw);
  } catch (cause) {
    // Full rank but a pivot under LU's absolute threshold: the data's scale is tiny.
    throw new RangeError(
      "lda: the within-class scatter matrix is singular to LU (a pivot below 100 x DBL_EPSILON)",
      { cause },
    );
  }
  const { real, vectors } = generalEigen(multiply(swInverse, sb));
  const order = Array.from({ length: d }, (_, i) => i).sort((a, b) => real[b]! - real[a]!);
  const eigenvalues = new Float64Array(keep);
  const eigenvectors = matrix(d, keep);
  for (let k = 0; k < keep; k++) {
    const src = order[k]!;
    eigenvalues[k] = real[src]!;
    for (let j = 0; j < d; j++) eigenvectors.data[j * keep + k] = vectors.data[j * d + src]!;
  }
  return { eigenvalues, eigenvectors };
}

function addOuter(m: Matrix, x: Float64Array): void {
  const d = x.length;
  for (let i = 0; i < d; i++) {
    const xi = x[i]!;
    if (xi === 0) continue;
    for (let j = 0; j < d; j++) m.data[i * d + j] = m.data[i * d + j]! + xi * x[j]!;
  }
}
