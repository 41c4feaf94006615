/**
 * The nearest-neighbour collector shared by all recognizers: the best distance per label,
 * ranked nearest first. Like OpenCV's collectors, a strictly smaller distance wins, so on
 * exact ties the earlier training sample (and its label) ranks first.
 *
 * @module
 */
import type { Candidate } from "./recognizer.ts";

/**
 * Ranks labels by their nearest sample: `distances[i]` belongs to `labels[i]`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { rankCandidates } from "./rank_candidates.ts";
 * const ranked = rankCandidates(new Float64Array([3, 1, 2]), Int32Array.of(7, 8, 7), 5);
 * assert.deepEqual(ranked, [{ label: 8, distance: 1 }, { label: 7, distance: 2 }]);
 * ```
 */
export function rankCandidates(
  distances: Float64Array,
  labels: Int32Array,
  limit: number,
): Candidate[] {
  const best = new Map<number, { distance: number; index: number }>();
  for (let i = 0; i < distances.length; i++) {
    const label = labels[i]!, distance = distances[i]!;
    const seen = best.get(label);
    if (seen === undefined) best.set(label, { distance, index: i });
    else if (distance < seen.distance) {
      seen.distance = distance;
      seen.index = i;
    }
  }
  return [...best.entries()]
    .sort(([, a], [, b]) => a.distance - b.distance || a.index - b.index)
    .slice(0, limit)
    .map(([label, { distance }]) => ({ label, distance }));
}
