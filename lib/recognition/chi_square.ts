/**
 * The alternative chi-square histogram distance, OpenCV's `HISTCMP_CHISQR_ALT`:
 * `2 * sum (a - b)^2 / (a + b)` over bins where `a + b` is non-zero. Like OpenCV on float32
 * histograms, the difference and sum of each bin pair are rounded to float32 first.
 *
 * @module
 */

/**
 * Chi-square (alternative) distance of two equal-length histograms.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chiSquareAlt } from "./chi_square.ts";
 * // bins: (1-0)^2/1 + (0-1)^2/1 + 0 = 2, doubled
 * assert.equal(chiSquareAlt([1, 0, 2], [0, 1, 2]), 4);
 * ```
 */
export function chiSquareAlt(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new TypeError(
      `chiSquareAlt: expected histograms of equal length, got ${a.length} and ${b.length}`,
    );
  }
  let result = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!, y = b[i]!;
    const diff = Math.fround(x - y), sum = Math.fround(x + y);
    if (Math.abs(sum) > Number.EPSILON) result += diff * diff / sum;
  }
  return 2 * result;
}
