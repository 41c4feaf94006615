/**
 * The one interface every face recognition algorithm implements, modelled on OpenCV
 * contrib's `cv::face::FaceRecognizer` (train / update / predict / write / read).
 *
 * Images are 8-bit greyscale, row-major, all the same `width x height` for one model.
 * No OpenCV Mat crosses this boundary: callers pass and receive typed arrays.
 *
 * @module
 */

import type { Algorithm } from "../core/algorithms.ts";

// The list itself lives in lib/core, below this layer and lib/protocol (see there why).
export {
  type Algorithm,
  ALGORITHMS,
  CLASSIC_ALGORITHMS,
  type ClassicAlgorithm,
} from "../core/algorithms.ts";

/**
 * An 8-bit face image, row-major: greyscale (`data.length === width * height`) for the
 * classic algorithms, or RGB with `channels: 3` (an aligned chip) for `dnn`.
 */
export interface FaceImage {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** The pixels, row-major: `width * height * channels` bytes. */
  readonly data: Uint8Array;
  /** 1 (grey, the default) or 3 (R, G, B). */
  readonly channels?: 1 | 3;
}

/** One candidate identity: a trained label and its distance (lower is closer). */
export interface Candidate {
  /** The label the model was trained with for this person. */
  readonly label: number;
  /** Distance from the probe to this label's nearest training sample, in the model's metric. */
  readonly distance: number;
}

/** A face recognition model. */
export interface Recognizer {
  /** Which algorithm this is: its id on the wire, in model files and on the command line. */
  readonly algorithm: Algorithm;
  /** True once `train` (or `load`) has produced a usable model. */
  readonly trained: boolean;
  /** Number of training samples the model was built from. */
  readonly sampleCount: number;
  /** Size every image must have: that of the training images (undefined until trained). */
  readonly imageSize: { readonly width: number; readonly height: number } | undefined;
  /** Replaces any previous model with one trained on these images and labels. */
  train(images: readonly FaceImage[], labels: readonly number[]): void;
  /** Whether {@link update} is supported (LBPH only; the subspace methods retrain). */
  readonly supportsUpdate: boolean;
  /** Adds samples to an existing model without retraining from scratch. */
  update(images: readonly FaceImage[], labels: readonly number[]): void;
  /**
   * Ranked candidates, nearest first, at most one per label, at most `limit` of them
   * (default 5). Thresholding is the caller's business (see `applyThreshold`).
   */
  predict(image: FaceImage, limit?: number): Candidate[];
  /** Serialises the model to the versioned, checksummed model-file format. */
  save(): Uint8Array;
}
