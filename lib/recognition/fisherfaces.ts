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
 * @module
 */
import type { Algorithm } from "./recognizer.ts";
import { type Matrix, multiply, transpose } from "./_matrix.ts";
import { pca } from "./pca.ts";
import { lda } from "./lda.ts";
import {
  type SubspaceFit,
  type SubspaceOptions,
  SubspaceRecognizer,
} from "./subspace_recognizer.ts";

/**
 * The Fisherfaces recognizer. Needs at least two people and more images than people.
 *
 * @example
 * ```ts
 * import { FisherfacesRecognizer } from "./fisherfaces.ts";
 * const face = (v: number) => ({ width: 2, height: 2, data: Uint8Array.of(v, 3 * v % 256, 9, 40) });
 * const r = new FisherfacesRecognizer();
 * r.train([face(10), face(14), face(200), face(210)], [1, 1, 2, 2]);
 * console.assert(r.predict(face(205))[0]!.label === 2);
 * ```
 */
export class FisherfacesRecognizer extends SubspaceRecognizer {
  readonly algorithm: Algorithm = "fisher";

  constructor(options: Omit<SubspaceOptions, "maxBasisSamples"> = {}) {
    super({ numComponents: options.numComponents ?? 0 });
  }

  /** Restores a model saved by {@link FisherfacesRecognizer.save}. */
  static load(bytes: Uint8Array): FisherfacesRecognizer {
    return new FisherfacesRecognizer().restore(bytes);
  }

  protected fit(data: Matrix, labels: readonly number[]): SubspaceFit {
    const n = data.rows;
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
    const p = pca(data, n - people);
    const l = lda(p.scores, labels, this.options.numComponents);
    return {
      mean: p.mean,
      eigenvalues: l.eigenvalues,
      basis: multiply(transpose(l.eigenvectors), p.eigenvectors),
    };
  }
}
