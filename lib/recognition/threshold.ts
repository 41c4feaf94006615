/**
 * Unknown-face thresholds. OpenCV's default threshold (DBL_MAX) names everybody; these
 * defaults were calibrated on ORL as described in docs/RECOGNITION.md.
 * @module
 */
import type { Algorithm, Candidate } from "./recognizer.ts";

/**
 * Default distance thresholds per algorithm: a candidate is accepted only when its distance
 * is strictly below the threshold (OpenCV's rule). Calibrated for the product's regime,
 * Haar-detected crops resized to 92x112, as the smallest value that keeps the false accept
 * rate near 5% on ORL and lfw10 (docs/RECOGNITION.md). Fisherfaces distances have no fixed
 * scale, so the service prefers a threshold calibrated on the gallery itself
 * (`selfCalibratedThreshold`) and uses the Fisher value here only when that is impossible.
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<Algorithm, number>> = Object.freeze({
  dnn: 0.45,
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
export function applyThreshold(candidates: readonly Candidate[], threshold: number): Candidate[] {
  if (Number.isNaN(threshold)) throw new RangeError("threshold: expected a number, got NaN");
  return candidates.filter((c) => c.distance < threshold);
}
