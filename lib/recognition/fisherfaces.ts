/**
 * Fisherfaces: nearest neighbour after PCA to N-C dimensions followed by LDA to C-1.
 *
 * Belhumeur, P. N., Hespanha, J. P. and Kriegman, D. J. "Eigenfaces vs. Fisherfaces:
 * Recognition using class specific linear projection." IEEE Transactions on Pattern Analysis
 * and Machine Intelligence 19(7), 1997, pp. 711-720.
 *
 * Matches OpenCV contrib's `FisherFaceRecognizer` with its defaults: the PCA keeps N-C axes
 * (N images, C people) so the within-class scatter is invertible, the LDA keeps C-1, and the
 * projection is `pca_axes^T * lda_vectors` with the LDA vectors scaled as OpenCV's
 * eigensolver leaves them (that scale changes L2 distances, hence predictions).
 *
 * Repeated training images make N-C axes too many: each exact repeat lowers the rank of the
 * within-class scatter by one, and OpenCV then inverts a singular matrix, whose leading
 * discriminants are rounding noise (its accuracy on the same faces swings with their order).
 * Here the PCA keeps as many axes as the scatter has rank instead (the paper's rule, with the
 * actual rank for its N-C bound): identical to OpenCV whenever its scatter is invertible.
 *
 * Above `maxBasisSamples` faces (see {@link SubspaceOptions}) the exact PCA to N-C axes
 * would cost O(N^2 D + N^3): the PCA is instead fitted on a stratified sample and keeps at
 * most `sampledComponents` axes, and the LDA runs on every face projected into that space.
 *
 * @module
 */
import type { Algorithm, FaceImage } from "./recognizer.ts";
import { dot, type Matrix, matrix, multiply, transpose } from "./_matrix.ts";
import { imageRows } from "./_sampling.ts";
import { pca, projectRows } from "./pca.ts";
import { lda, type LdaResult } from "./lda.ts";
import { SingularScatterError } from "./errors.ts";
import {
  type SharedSubspaceModel,
  type SubspaceFit,
  type SubspaceOptions,
  SubspaceRecognizer,
} from "./subspace_recognizer.ts";

/**
 * The Fisherfaces recognizer. Needs at least two people and more images than people, two of
 * them different images of one person (exact repeats are allowed: see the module notes).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { FisherfacesRecognizer } from "./fisherfaces.ts";
 * let seed = 7;
 * const noise = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 9;
 * const face = (person: number) => ({
 *   width: 4,
 *   height: 4,
 *   data: Uint8Array.from({ length: 16 }, (_, k) => (person ? k * 13 : 200 - k * 9) + noise()),
 * });
 * const r = new FisherfacesRecognizer();
 * r.train([face(0), face(0), face(0), face(1), face(1), face(1)], [1, 1, 1, 2, 2, 2]);
 * assert.equal(r.predict(face(1))[0]?.label, 2);
 * ```
 */
export class FisherfacesRecognizer extends SubspaceRecognizer {
  /** Always `"fisher"`. */
  readonly algorithm: Algorithm = "fisher";

  /** An untrained recognizer; options default to OpenCV's (see {@link SubspaceOptions}). */
  constructor(options: SubspaceOptions = {}) {
    super(options);
  }

  /** Restores a model saved by {@link FisherfacesRecognizer.save}. */
  static load(bytes: Uint8Array): FisherfacesRecognizer {
    return new FisherfacesRecognizer().restore(bytes);
  }

  /** A recognizer over a model another worker shared with `share()` (no copy). */
  static adopt(model: SharedSubspaceModel): FisherfacesRecognizer {
    return new FisherfacesRecognizer().adoptShared(model);
  }

  /** PCA down to N - C axes, then LDA on the projections: the fisherfaces. */
  protected fit(images: readonly FaceImage[], labels: readonly number[]): SubspaceFit {
    const n = images.length;
    const people = new Set(labels).size;
    if (people < 2) {
      throw new RangeError(`fisher: expected at least 2 people (distinct labels), got ${people}`);
    }
    if (n <= people) {
      throw new RangeError(
        `fisher: expected more images than people (${people}), got ${n}; ` +
          "Fisherfaces needs at least one person with two or more images",
      );
    }
    const { indices, maxAxes } = this.basisSample(labels);
    if (indices === undefined) {
      const data = imageRows(images);
      const p = pca(data, n - people);
      // Explicit projections, as OpenCV does: deriving them from the Gram matrix is cheaper
      // but its rounding, amplified by inv(Sw), moves distances by ~0.1%.
      const projected = projectRows(data, p.mean, p.eigenvectors);
      const { l, kept } = fullRankLda(projected, labels, this.options.numComponents);
      return {
        mean: p.mean,
        eigenvalues: l.eigenvalues,
        basis: multiply(transpose(l.eigenvectors), leadingRows(p.eigenvectors, kept)),
      };
    }
    // Large gallery: PCA on a stratified sample to at most `maxAxes` (and N-C) axes, numerically
    // null ones dropped; the LDA then sees every face in that space. The training projections
    // follow from the PCA ones (N x P x K instead of N x D x K multiply-adds).
    const wanted = maxAxes > 0 ? Math.min(maxAxes, n - people) : n - people;
    const p = pca(imageRows(images, indices), wanted, { overwrite: true });
    const d = p.eigenvectors.cols;
    const tolerance = (p.eigenvalues[0] ?? 0) * Math.max(indices.length, d) * Number.EPSILON;
    let kept = 0;
    while (kept < p.eigenvalues.length && p.eigenvalues[kept]! > tolerance) kept++;
    const axes = matrix(kept, d, p.eigenvectors.data.slice(0, kept * d));
    const reduced = projectImages(images, p.mean, axes);
    const full = fullRankLda(reduced, labels, this.options.numComponents);
    return {
      mean: p.mean,
      eigenvalues: full.l.eigenvalues,
      basis: multiply(transpose(full.l.eigenvectors), leadingRows(axes, full.kept)),
      projections: multiply(leadingColumns(reduced, full.kept), full.l.eigenvectors).data,
    };
  }
}

/**
 * The LDA of `projected` (N x K PCA coordinates, by decreasing variance) on its leading `kept`
 * columns: all K when their within-class scatter is invertible (always, without repeated
 * images), else as many as its rank, then fewer while it is still singular. Dropping the
 * weakest PCA axes is the paper's remedy for a singular Sw, with the rank found rather than
 * assumed; the alternative OpenCV takes, inverting it anyway, amplifies rounding noise.
 */
function fullRankLda(
  projected: Matrix,
  labels: readonly number[],
  numComponents: number,
): { l: LdaResult; kept: number } {
  let kept = projected.cols;
  for (;;) {
    try {
      return { l: lda(leadingColumns(projected, kept), labels, numComponents), kept };
    } catch (e) {
      if (!(e instanceof SingularScatterError)) throw e;
      if (e.rank === 0) {
        throw new RangeError(
          "fisher: expected some variation among a person's training images, got none " +
            "(every person's images are copies of one image)",
          { cause: e },
        );
      }
      // The rank only falls as axes go, so this ends after a few rounds (one, in practice).
      kept = e.rank;
    }
  }
}

/** The first `k` rows of `m` (a view when they are all of it). */
function leadingRows(m: Matrix, k: number): Matrix {
  return k === m.rows ? m : matrix(k, m.cols, m.data.subarray(0, k * m.cols));
}

/** The first `k` columns of `m` (`m` itself when they are all of it). */
function leadingColumns(m: Matrix, k: number): Matrix {
  if (k === m.cols) return m;
  const out = matrix(m.rows, k);
  for (let r = 0; r < m.rows; r++) {
    out.data.set(m.data.subarray(r * m.cols, r * m.cols + k), r * k);
  }
  return out;
}

/** The faces, centred on `mean`, projected onto the rows of `axes`: N x K. */
function projectImages(images: readonly FaceImage[], mean: Float64Array, axes: Matrix): Matrix {
  const d = axes.cols, k = axes.rows;
  const out = matrix(images.length, k);
  const x = new Float64Array(d);
  images.forEach((image, r) => {
    for (let c = 0; c < d; c++) x[c] = image.data[c]! - mean[c]!;
    for (let j = 0; j < k; j++) out.data[r * k + j] = dot(axes.data, j * d, x, 0, d);
  });
  return out;
}
