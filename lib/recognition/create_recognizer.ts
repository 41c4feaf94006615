/**
 * Recognizer construction and model loading by algorithm id.
 * @module
 */
import { type Algorithm, ALGORITHMS, type Recognizer } from "./recognizer.ts";
import { EigenfacesRecognizer } from "./eigenfaces.ts";
import { FisherfacesRecognizer } from "./fisherfaces.ts";
import { LbphRecognizer } from "./lbph.ts";
import { readHeader } from "./model_file.ts";

/**
 * An untrained recognizer with OpenCV's default parameters.
 *
 * @example
 * ```ts
 * import { createRecognizer } from "./create_recognizer.ts";
 * console.assert(createRecognizer("lbph").supportsUpdate);
 * ```
 */
export function createRecognizer(algorithm: Algorithm): Recognizer {
  switch (algorithm) {
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
 * `ModelFileError` for a truncated, corrupt, foreign or newer-version file.
 *
 * @example
 * ```ts
 * import { createRecognizer, loadRecognizer } from "./create_recognizer.ts";
 * const r = createRecognizer("eigen");
 * r.train([{ width: 1, height: 2, data: Uint8Array.of(0, 9) }], [4]);
 * console.assert(loadRecognizer(r.save()).predict({ width: 1, height: 2, data: Uint8Array.of(1, 8) })[0]!.label === 4);
 * ```
 */
export function loadRecognizer(bytes: Uint8Array): Recognizer {
  const { header } = readHeader(bytes); // the class's load() verifies the checksum
  switch (header.algorithm) {
    case "eigen":
      return EigenfacesRecognizer.load(bytes);
    case "fisher":
      return FisherfacesRecognizer.load(bytes);
    case "lbph":
      return LbphRecognizer.load(bytes);
  }
}
