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
 * @module
 */
import type { Algorithm } from "./recognizer.ts";
import { type Matrix, matrix } from "./_matrix.ts";
import { pca } from "./pca.ts";
import {
  type SubspaceFit,
  type SubspaceOptions,
  SubspaceRecognizer,
} from "./subspace_recognizer.ts";

/**
 * The Eigenfaces recognizer.
 *
 * @example
 * ```ts
 * import { EigenfacesRecognizer } from "./eigenfaces.ts";
 * const face = (v: number) => ({ width: 2, height: 2, data: Uint8Array.of(v, v, 0, 255 - v) });
 * const r = new EigenfacesRecognizer();
 * r.train([face(10), face(20), face(200)], [1, 1, 2]);
 * console.assert(r.predict(face(190))[0]!.label === 2);
 * ```
 */
export class EigenfacesRecognizer extends SubspaceRecognizer {
  readonly algorithm: Algorithm = "eigen";

  constructor(options: SubspaceOptions = {}) {
    super(options);
  }

  /** Restores a model saved by {@link EigenfacesRecognizer.save}. */
  static load(bytes: Uint8Array): EigenfacesRecognizer {
    return new EigenfacesRecognizer().restore(bytes);
  }

  protected fit(data: Matrix): SubspaceFit {
    const n = data.rows;
    const { numComponents, maxBasisSamples } = this.options;
    const sample = maxBasisSamples > 0 && n > maxBasisSamples
      ? spread(data, maxBasisSamples)
      : data;
    const wanted = numComponents <= 0 || numComponents > n ? n : numComponents;
    const { mean, eigenvalues, eigenvectors } = pca(sample, wanted);
    const tolerance = (eigenvalues[0] ?? 0) * Math.max(sample.rows, data.cols) * Number.EPSILON;
    let k = 0;
    while (k < eigenvalues.length && eigenvalues[k]! > tolerance) k++;
    return {
      mean,
      eigenvalues: eigenvalues.slice(0, k),
      basis: matrix(k, data.cols, eigenvectors.data.slice(0, k * data.cols)),
    };
  }
}

/** `count` rows of `data`, evenly spaced. */
function spread(data: Matrix, count: number): Matrix {
  const out = matrix(count, data.cols);
  for (let i = 0; i < count; i++) {
    const row = Math.floor(i * data.rows / count);
    out.data.set(data.data.subarray(row * data.cols, (row + 1) * data.cols), i * data.cols);
  }
  return out;
}
