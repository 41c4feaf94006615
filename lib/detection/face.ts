/**
 * What a face detector reports: a box, and where the detector can say so, a confidence and
 * five landmarks. Shared by every detector so the layers above need not know which one ran.
 * @module
 */
import type { Box } from "../imaging/image.ts";

/** A point in pixel coordinates of the source image (pixel centres at integers, as OpenCV). */
export interface Point {
  /** Pixels from the image's left edge. */
  readonly x: number;
  /** Pixels from the image's top edge. */
  readonly y: number;
}

/**
 * YuNet's order: the eye on the image's left first, the other eye, nose tip, mouth corner on
 * the image's left, the other mouth corner.
 *
 * "Image's left" rather than "left eye": on a frontal face the eye on the image's left is the
 * person's right eye, and naming it by the image keeps the order meaningful for mirrored
 * photos too.
 */
export type Landmarks = readonly [Point, Point, Point, Point, Point];

/**
 * One detected face. `score` and `landmarks` are absent when the detector does not produce
 * them (the Haar cascade gives boxes only).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { DetectedFace } from "./face.ts";
 * const face: DetectedFace = { box: { x: 10, y: 20, width: 30, height: 40 }, score: 0.93 };
 * assert.equal(face.landmarks, undefined);
 * ```
 */
export interface DetectedFace {
  /** Integer pixels, clipped to the image. */
  readonly box: Box;
  /** Detector confidence in [0, 1]. */
  readonly score?: number;
  /** Five facial points in source-image pixels (floats, not clipped). */
  readonly landmarks?: Landmarks;
}
