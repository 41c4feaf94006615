/**
 * Unknown-face thresholds. OpenCV's default threshold (DBL_MAX) names everybody; these
 * defaults were calibrated on ORL as described in docs/RECOGNITION.md.
 * @module
 */
import type { Algorithm, Candidate } from "./recognizer.ts";

/**
 * Default distance thresholds per algorithm: a candidate is accepted only when its distance
 * is strictly below the threshold (OpenCV's rule). Calibrated on 92x112 ORL faces; distances
 * scale with the crop size, so other sizes need their own values.
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<Algorithm, number>> = Object.freeze({
  eigen: 2700,
  fisher: 1200,
  lbph: 82,
});

/**
 * The candidates under `threshold`, still nearest first; empty means "unknown".
 *
 * @example
 * ```ts
 * import { applyThreshold } from "./threshold.ts";
 * const accepted = applyThreshold([{ label: 1, distance: 40 }, { label: 2, distance: 90 }], 70);
 * console.assert(accepted.length === 1 && accepted[0]!.label === 1);
 * ```
 */
export function applyThreshold(candidates: readonly Candidate[], threshold: number): Candidate[] {
  if (Number.isNaN(threshold)) throw new RangeError("threshold: expected a number, got NaN");
  return candidates.filter((c) => c.distance < threshold);
}
