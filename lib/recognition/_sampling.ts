/**
 * Helpers for fitting a subspace on large galleries: a stratified sample of the training
 * faces, and the rows of a data matrix built only for the faces that need it (a 10,000-face
 * gallery as one float64 matrix would take 800 MB).
 * @module
 */
import { type Matrix, matrix } from "./_matrix.ts";
import type { FaceImage } from "./recognizer.ts";

/**
 * `count` indices into `labels`, spread evenly over the faces grouped by label: every
 * person contributes in proportion to their face count, and the picks within a person are
 * spread over their faces. Returns every index when `count >= labels.length`. Deterministic.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { stratifiedSample } from "./_sampling.ts";
 * const picks = stratifiedSample([1, 2, 1, 2, 1, 2], 2);
 * assert.equal(picks.length, 2);
 * assert.notEqual(picks[0], picks[1]);
 * ```
 */
export function stratifiedSample(labels: readonly number[], count: number): number[] {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i)
    .sort((a, b) => labels[a]! - labels[b]! || a - b);
  if (count >= n) return order.sort((a, b) => a - b);
  const picks: number[] = [];
  for (let i = 0; i < count; i++) picks.push(order[Math.floor((i + 0.5) * n / count)]!);
  return picks.sort((a, b) => a - b);
}

/** The images at `indices` (all of them when omitted) as the rows of a float64 matrix. */
export function imageRows(images: readonly FaceImage[], indices?: readonly number[]): Matrix {
  const d = images[0]?.data.length ?? 0;
  const rows = indices ?? images.map((_, i) => i);
  const out = matrix(rows.length, d);
  rows.forEach((index, r) => out.data.set(images[index]!.data, r * d));
  return out;
}
