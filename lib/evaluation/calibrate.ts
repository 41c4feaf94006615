/**
 * Threshold sweep over one split's nearest distances.
 * @module
 */
import { type OpenSetRates, openSetRates, type Scored } from "./open_set_rates.ts";

/** A threshold with the open-set rates it gives. */
export interface RatedThreshold extends OpenSetRates {
  /** The threshold (accepting is `distance < threshold`). */
  readonly threshold: number;
}

/** A threshold calibration on one split. */
export interface Calibration {
  /** Maximises known_accuracy - false_accept_rate (midpoint of the best interval). */
  readonly best: RatedThreshold;
  /** The largest threshold with false_accept_rate <= 5%. */
  readonly far5: RatedThreshold;
}

/**
 * Sweeps every distinct nearest distance as a threshold candidate: the thresholds tried lie
 * between consecutive distances.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { calibrate } from "./calibrate.ts";
 * const known = [{ label: 1, best: { label: 1, distance: 10 } }];
 * const unknown = [{ label: -3, best: { label: 1, distance: 30 } }];
 * const { best } = calibrate(known, unknown);
 * assert.equal(best.threshold, 20);
 * assert.equal(best.knownAccuracy, 1);
 * assert.equal(best.falseAcceptRate, 0);
 * ```
 */
export function calibrate(known: readonly Scored[], unknown: readonly Scored[]): Calibration {
  const cuts = [...new Set([...known, ...unknown].map((s) => s.best?.distance ?? Infinity))]
    .filter(Number.isFinite).sort((a, b) => a - b);
  const candidates = [0, ...cuts.map((d, i) => (d + (cuts[i + 1] ?? d * 1.01)) / 2)];
  const at = (threshold: number) => ({ threshold, ...openSetRates(known, unknown, threshold) });
  let best = at(0), far5 = at(0);
  for (const t of candidates) {
    const r = at(t);
    if (r.knownAccuracy - r.falseAcceptRate > best.knownAccuracy - best.falseAcceptRate) best = r;
    if (r.falseAcceptRate <= 0.05) far5 = r;
  }
  return { best, far5 };
}
