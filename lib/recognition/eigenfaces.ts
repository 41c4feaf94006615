/**
 * Eigenfaces: nearest neighbour in the PCA subspace of the training faces.
 *
 * Turk, M. and Pentland, A. "Eigenfaces for recognition." Journal of Cognitive Neuroscience
 * 3(1), 1991, pp. 71-86.
 *
 * Matches OpenCV contrib's `EigenFaceRecognizer` with its defaults (all components, L2),
 * with one deliberate difference: axes whose eigenvalue is numerically zero (below
 * `lambda_max * max(N, D) * 2^-52`; centring the data always creates one) are dropped.
 * Such an axis is the normalisation of a rounding-error vector, a random direction that
 * differs between any two implementations; keeping it only adds noise to the distances.
 *
 * Above `maxBasisSamples` faces the PCA is fitted on a stratified sample and keeps at most
 * `sampledComponents` axes (see {@link SubspaceOptions}); every face is still projected.
 *
 * @module
 */
import type { Algorithm, FaceImage } from "./recognizer.ts";
import { matrix } from "./_matrix.ts";
import { imageRows } from "./_sampling.ts";
import { pca } from "./pca.ts";
import {
  type SharedSubspaceModel,
  type SubspaceFit,
  type SubspaceOptions,
  SubspaceRecognizer,
} from "./subspace_recognizer.ts";

/**
 * The Eigenfaces recognizer.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EigenfacesRecognizer } from "./eigenfaces.ts";
 * const face = (v: number) => ({ width: 2, height: 2, data: Uint8Array.of(v, v, 0, 255 - v) });
 * const r = new EigenfacesRecognizer();
 * r.train([face(10), face(20), face(200)], [1, 1, 2]);
 * assert.equal(r.predict(face(190))[0]?.label, 2);
 * ```
 */
export class EigenfacesRecognizer extends SubspaceRecognizer {
  /** Always `"eigen"`. */
  readonly algorithm: Algorithm = "eigen";

  /** An untrained recognizer; options default to OpenCV's (see {@link SubspaceOptions}). */
  constructor(options: SubspaceOptions = {}) {
    super(options);
  }

  /** Restores a model saved by {@link EigenfacesRecognizer.save}. */
  static load(bytes: Uint8Array): EigenfacesRecognizer {
    return new EigenfacesRecognizer().restore(bytes);
  }

  /** A recognizer over a model another worker shared with `share()` (no copy). */
  static adopt(model: SharedSubspaceModel): EigenfacesRecognizer {
    return new EigenfacesRecognizer().adoptShared(model);
  }

  /** PCA of the training faces (or of a stratified sample of them): the eigenfaces. */
  protected fit(images: readonly FaceImage[], labels: readonly number[]): SubspaceFit {
    const n = images.length;
    const { indices, maxAxes } = this.basisSample(labels);
    const sample = imageRows(images, indices);
    const { numComponents } = this.options;
    let wanted = numComponents <= 0 || numComponents > n ? n : numComponents;
    if (maxAxes > 0) wanted = Math.min(wanted, maxAxes);
    const { mean, eigenvalues, eigenvectors } = pca(sample, wanted, { overwrite: true });
    const d = sample.cols;
    const tolerance = (eigenvalues[0] ?? 0) * Math.max(sample.rows, d) * Number.EPSILON;
    let k = 0;
    while (k < eigenvalues.length && eigenvalues[k]! > tolerance) k++;
    return {
      mean,
      eigenvalues: eigenvalues.slice(0, k),
      basis: matrix(k, d, eigenvectors.data.slice(0, k * d)),
    };
  }
}
