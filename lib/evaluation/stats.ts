/**
 * Small statistics shared by the evaluation, the benchmarks and the stress run.
 * @module
 */

/**
 * `x` rounded to `digits` decimal places (half away from zero for positives, as
 * `Math.round`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { round } from "./stats.ts";
 * assert.equal(round(3.14159, 2), 3.14);
 * ```
 */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
