/**
 * Recognizer construction and model loading by algorithm id.
 * @module
 */
import { type Algorithm, ALGORITHMS, type Recognizer } from "./recognizer.ts";
import { EigenfacesRecognizer } from "./eigenfaces.ts";
import { FisherfacesRecognizer } from "./fisherfaces.ts";
import { LbphRecognizer, type SharedLbphModel } from "./lbph.ts";
import { type SharedSubspaceModel, SubspaceRecognizer } from "./subspace_recognizer.ts";
import { readHeader } from "./model_file.ts";
import { DnnRecognizer, type Embedder } from "./dnn.ts";

/**
 * An untrained recognizer with OpenCV's default parameters.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRecognizer } from "./create_recognizer.ts";
 * assert.equal(createRecognizer("lbph").supportsUpdate, true);
 * ```
 */
export function createRecognizer(
  algorithm: Algorithm,
  options: { embedder?: Embedder } = {},
): Recognizer {
  switch (algorithm) {
    case "dnn":
      if (!options.embedder) {
        throw new TypeError('createRecognizer("dnn"): expected options.embedder, got none');
      }
      return new DnnRecognizer(options.embedder);
    case "eigen":
      return new EigenfacesRecognizer();
    case "fisher":
      return new FisherfacesRecognizer();
    case "lbph":
      return new LbphRecognizer();
  }
  throw new RangeError(
    `algorithm: expected one of ${ALGORITHMS.join(", ")}, got ${JSON.stringify(algorithm)}`,
  );
}

/**
 * Restores a recognizer from bytes written by `save()`, whatever its algorithm. Throws a
 * `ModelFileError` for a truncated, corrupt, foreign or newer-version file. With
 * `inSharedMemory`, the large LBPH arena is decoded straight into shared memory (for
 * {@link shareRecognizer}).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createRecognizer, loadRecognizer } from "./create_recognizer.ts";
 * const r = createRecognizer("eigen");
 * r.train([{ width: 1, height: 2, data: Uint8Array.of(0, 9) }], [4]);
 * const probe = { width: 1, height: 2, data: Uint8Array.of(1, 8) };
 * assert.equal(loadRecognizer(r.save()).predict(probe)[0]?.label, 4);
 * ```
 */
export function loadRecognizer(
  bytes: Uint8Array,
  options: { inSharedMemory?: boolean; embedder?: Embedder } = {},
): Recognizer {
  const { header } = readHeader(bytes); // the class's load() verifies the checksum
  switch (header.algorithm) {
    case "dnn":
      return DnnRecognizer.load(bytes, options.embedder);
    case "eigen":
      return EigenfacesRecognizer.load(bytes);
    case "fisher":
      return FisherfacesRecognizer.load(bytes);
    case "lbph":
      return LbphRecognizer.load(bytes, options);
  }
}

/** A trained model on SharedArrayBuffers, as posted between workers. */
export type SharedModel = SharedLbphModel | SharedSubspaceModel;

/**
 * Moves a trained recognizer's arrays into SharedArrayBuffers (it stays usable, read-only)
 * and returns what {@link adoptRecognizer} needs in another worker: N prediction workers
 * then hold one copy of a large model instead of N.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { adoptRecognizer, createRecognizer, shareRecognizer } from "./create_recognizer.ts";
 * const r = createRecognizer("eigen");
 * r.train([{ width: 1, height: 2, data: Uint8Array.of(0, 9) }], [4]);
 * const copy = adoptRecognizer(structuredClone(shareRecognizer(r)));
 * assert.equal(copy.predict({ width: 1, height: 2, data: Uint8Array.of(1, 8) })[0]?.label, 4);
 * ```
 */
export function shareRecognizer(recognizer: Recognizer): SharedModel {
  if (recognizer instanceof LbphRecognizer || recognizer instanceof SubspaceRecognizer) {
    return recognizer.share();
  }
  throw new TypeError(`shareRecognizer: expected a facerec recognizer, got ${recognizer}`);
}

/** A read-only recognizer over a model shared by {@link shareRecognizer} (no copy). */
export function adoptRecognizer(model: SharedModel): Recognizer {
  switch (model.algorithm) {
    case "eigen":
      return EigenfacesRecognizer.adopt(model);
    case "fisher":
      return FisherfacesRecognizer.adopt(model);
    case "lbph":
      return LbphRecognizer.adopt(model);
  }
}
