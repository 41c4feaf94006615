/**
 * Unknown-face thresholds. OpenCV's default threshold (DBL_MAX) names everybody; these
 * defaults were calibrated on ORL as described in docs/RECOGNITION.md.
 * @module
 */
import type { Algorithm, Candidate, FaceImage } from "./recognizer.ts";

/**
 * Default distance thresholds per algorithm: a candidate is accepted only when its distance
 * is strictly below the threshold (OpenCV's rule). Calibrated for the product's regime,
 * Haar-detected crops resized to 92x112, as the smallest value that keeps the false accept
 * rate near 5% on ORL and lfw10 (docs/RECOGNITION.md). Fisherfaces distances have no fixed
 * scale, so the service prefers a threshold calibrated on the gallery itself
 * (`selfCalibratedThreshold`) and uses the Fisher value here only when that is impossible.
 * `dnn`'s value is for colour photos; greyscale ones get {@link DNN_GREY_THRESHOLD}
 * (see {@link defaultThreshold}).
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<Algorithm, number>> = Object.freeze({
  dnn: 0.55,
  eigen: 2200,
  fisher: 530,
  lbph: 73,
});

/**
 * The candidates under `threshold`, still nearest first; empty means "unknown".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyThreshold } from "./threshold.ts";
 * const accepted = applyThreshold([{ label: 1, distance: 40 }, { label: 2, distance: 90 }], 70);
 * assert.deepEqual(accepted, [{ label: 1, distance: 40 }]);
 * ```
 */
export function applyThreshold<C extends Pick<Candidate, "distance">>(
  candidates: readonly C[],
  threshold: number,
): C[] {
  if (Number.isNaN(threshold)) throw new RangeError("threshold: expected a number, got NaN");
  return candidates.filter((c) => c.distance < threshold);
}

/**
 * The dnn threshold for greyscale photos. Grey descriptors crowd together: on ORL, strangers
 * came within 0.55 of someone enrolled a quarter of the time, and 0.45 keeps that near 0.3%
 * while naming 99% of the probes whose nearest person is right (scripts/calibrate_dnn.ts,
 * docs/RECOGNITION.md). Colour photos keep 0% of strangers up to 0.56 on lfw10.
 */
export const DNN_GREY_THRESHOLD = 0.45;

/**
 * True when an RGB face chip carries no colour: the mean difference between its channels is
 * under 2 grey levels (a grey photo saved as colour JPEG keeps a little chroma noise).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isGreyChip } from "./threshold.ts";
 * assert.equal(isGreyChip({ width: 1, height: 1, channels: 3, data: Uint8Array.of(9, 9, 10) }), true);
 * assert.equal(isGreyChip({ width: 1, height: 1, channels: 3, data: Uint8Array.of(200, 90, 60) }), false);
 * ```
 */
export function isGreyChip(image: FaceImage): boolean {
  if ((image.channels ?? 1) === 1) return true;
  const { data } = image;
  let spread = 0;
  for (let i = 0; i + 2 < data.length; i += 3) {
    const r = data[i]!, g = data[i + 1]!, b = data[i + 2]!;
    spread += Math.abs(r - g) + Math.abs(g - b);
  }
  return spread / (data.length / 3) < 2;
}

/**
 * The default threshold for one probe: the algorithm's, except for dnn on a greyscale chip.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_THRESHOLDS, defaultThreshold, DNN_GREY_THRESHOLD } from "./threshold.ts";
 * const grey = { width: 1, height: 1, channels: 3 as const, data: Uint8Array.of(5, 5, 5) };
 * assert.equal(defaultThreshold("dnn", grey), DNN_GREY_THRESHOLD);
 * assert.equal(defaultThreshold("lbph", grey), DEFAULT_THRESHOLDS.lbph);
 * ```
 */
export function defaultThreshold(algorithm: Algorithm, probe?: FaceImage): number {
  if (algorithm === "dnn" && probe && isGreyChip(probe)) return DNN_GREY_THRESHOLD;
  return DEFAULT_THRESHOLDS[algorithm];
}
