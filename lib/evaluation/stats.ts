/**
 * The few statistics the evaluation, the benchmarks and the stress run report, defined once
 * so that their figures agree.
 * @module
 */

/**
 * `x` rounded to `digits` decimal places (`Math.round`: halves go up).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { round } from "./stats.ts";
 * assert.equal(round(3.14159, 2), 3.14);
 * assert.equal(round(1234.5, 0), 1235);
 * ```
 */
export function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/**
 * The arithmetic mean; `NaN` for no values.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mean } from "./stats.ts";
 * assert.equal(mean([1, 2, 6]), 3);
 * assert.ok(Number.isNaN(mean([])));
 * ```
 */
export function mean(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/**
 * The `p`-th percentile of `sorted` (ascending) by the nearest-rank method: the smallest
 * value with at least `p·n` of the `n` values at or below it, i.e. `sorted[ceil(p·n) − 1]`
 * (the minimum for `p` = 0). It is always one of the values, never an interpolation: the
 * median of an even count is the lower middle one, and p99 of 100 latencies is the 99th.
 * `NaN` for no values. Throws `RangeError` for `p` outside [0, 1] and `TypeError` when
 * `sorted` is not in ascending order.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { percentile } from "./stats.ts";
 * const ms = [10, 20, 30, 40];
 * assert.equal(percentile(ms, 0.5), 20);
 * assert.equal(percentile(ms, 0.99), 40);
 * assert.equal(percentile(ms, 0), 10);
 * ```
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`percentile: expected p in [0, 1], got ${p}`);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i - 1]! > sorted[i]!) {
      throw new TypeError(
        `percentile: expected values in ascending order, got ${sorted[i - 1]} before ${
          sorted[i]
        } at index ${i}`,
      );
    }
  }
  if (sorted.length === 0) return NaN;
  // The tolerance keeps float noise from moving up a rank: 0.07 * 100 is 7.000000000000001.
  const rank = Math.ceil(p * sorted.length - 1e-9);
  return sorted[Math.max(0, rank - 1)]!;
}
