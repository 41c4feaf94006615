/**
 * Open-set figures: how often known people are named right, and strangers named at all.
 * @module
 */
import { applyThreshold, type Candidate } from "../recognition/mod.ts";

/** The nearest candidate for a probe, with the probe's true label. */
export interface Scored {
  /** The true label (negative for a person the recognizer never trained on). */
  readonly label: number;
  /** The nearest candidate, or `undefined` when there was nobody to compare with. */
  readonly best: Candidate | undefined;
}

/** Known probes named correctly, and unknown probes given any name, under one threshold. */
export interface OpenSetRates {
  /** Fraction of known probes whose nearest candidate is right and under the threshold. */
  readonly knownAccuracy: number;
  /** Fraction of unknown probes whose nearest candidate is under the threshold. */
  readonly falseAcceptRate: number;
}

/**
 * Known probes named correctly under `threshold`, and unknown probes given any name
 * (accepting is `distance < threshold`, OpenCV's rule).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openSetRates } from "./open_set_rates.ts";
 * const known = [{ label: 1, best: { label: 1, distance: 10 } }];
 * const unknown = [{ label: -3, best: { label: 1, distance: 30 } }];
 * assert.deepEqual(openSetRates(known, unknown, 20), { knownAccuracy: 1, falseAcceptRate: 0 });
 * ```
 */
export function openSetRates(
  known: readonly Scored[],
  unknown: readonly Scored[],
  threshold: number,
): OpenSetRates {
  const accepted = (s: Scored) =>
    s.best !== undefined && applyThreshold([s.best], threshold).length > 0;
  return {
    knownAccuracy: known.filter((s) => accepted(s) && s.best!.label === s.label).length /
      Math.max(1, known.length),
    falseAcceptRate: unknown.filter(accepted).length / Math.max(1, unknown.length),
  };
}
