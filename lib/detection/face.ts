/**
 * What a face detector reports: a box and, when the detector gives them, a confidence and
 * five landmarks.
 * @module
 */
import type { Box } from "../imaging/image.ts";

/** A point in image pixels (sub-pixel). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/**
 * Five facial landmarks in YuNet's order: the eye on the image's left, the other eye, the
 * nose tip, the mouth corner on the image's left, the other mouth corner.
 */
export type Landmarks = readonly [Point, Point, Point, Point, Point];

/** One detected face. */
export interface DetectedFace {
  readonly box: Box;
  /** Confidence in [0, 1], when the detector gives one. */
  readonly score?: number;
  readonly landmarks?: Landmarks;
}
