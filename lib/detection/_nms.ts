/**
 * Greedy non-maximum suppression over float boxes, for merging the detections of several
 * pyramid levels (each level's own duplicates are already suppressed inside OpenCV).
 * @module
 */
import { iou } from "./annotations.ts";
import type { Box } from "../imaging/image.ts";

/** Anything with a box and a score. */
export interface Scored {
  readonly box: Box;
  readonly score: number;
}

/**
 * Keeps the best-scoring item of every group that overlaps with IoU above `threshold`, as
 * OpenCV's `NMSBoxes` does; the result is sorted by descending score and holds at most
 * `limit` items.
 */
export function suppressOverlaps<T extends Scored>(
  items: readonly T[],
  threshold: number,
  limit: number,
): T[] {
  const sorted = [...items].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const item of sorted) {
    if (kept.length >= limit) break;
    if (kept.every((k) => iou(k.box, item.box) <= threshold)) kept.push(item);
  }
  return kept;
}
