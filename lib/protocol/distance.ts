/**
 * "No distance" on the wire. Inside the program a match with nobody left to compare with
 * has no distance at all (the field is absent); the MATCH container still requires
 * DISTANCE, and f64 values must be finite, so the wire carries the largest finite f64
 * instead (docs/PROTOCOL.md §3, §6.6). This file is the one place that knows it.
 *
 * @module
 */

/** The DISTANCE sent for "no distance": the largest finite f64, 1.7976931348623157e308. */
export const NO_DISTANCE: number = Number.MAX_VALUE;

/**
 * The DISTANCE to send for `distance`: {@link NO_DISTANCE} when it is absent or not finite
 * (an infinitely far candidate), else itself.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { NO_DISTANCE, wireDistance } from "./distance.ts";
 * assert.equal(wireDistance(0.42), 0.42);
 * assert.equal(wireDistance(undefined), NO_DISTANCE);
 * assert.equal(wireDistance(Infinity), NO_DISTANCE);
 * ```
 */
export function wireDistance(distance: number | undefined): number {
  return distance === undefined || !Number.isFinite(distance) ? NO_DISTANCE : distance;
}

/**
 * A distance read from a reply, as a reader should take it: `undefined` when it is absent
 * or the wire's {@link NO_DISTANCE}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { knownDistance, NO_DISTANCE } from "./distance.ts";
 * assert.equal(knownDistance(0.42), 0.42);
 * assert.equal(knownDistance(NO_DISTANCE), undefined);
 * assert.equal(knownDistance(undefined), undefined);
 * ```
 */
export function knownDistance(distance: number | undefined): number | undefined {
  return distance !== undefined && distance < NO_DISTANCE ? distance : undefined;
}
