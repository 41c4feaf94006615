/**
 * The errors of the recognition layer that callers are expected to catch. Wrong shapes and
 * out-of-range arguments are plain `TypeError` / `RangeError`.
 *
 * @module
 */

/** A model file is truncated, corrupt, of another version, or not a facerec model at all. */
export class ModelFileError extends Error {
  /** `options.cause` keeps the underlying error, such as a decoding failure. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ModelFileError";
  }
}

/** `predict` or `save` was called before `train` (or a load) produced a model. */
export class NotTrainedError extends Error {
  /** `message` names the call that needed a model. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotTrainedError";
  }
}

/** `update` was called on an algorithm that can only be retrained (Eigenfaces, Fisherfaces). */
export class UpdateNotSupportedError extends Error {
  /** `message` names the algorithm and says to retrain instead. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UpdateNotSupportedError";
  }
}

/**
 * LDA's within-class scatter is numerically singular (rank below its dimension), so it has no
 * inverse: typically training images that repeat exactly. Fisherfaces catches it and drops
 * PCA axes until the scatter has full rank (docs/RECOGNITION.md, "Repeated training images").
 */
export class SingularScatterError extends RangeError {
  /** The scatter's numerical rank. */
  readonly rank: number;
  /** Its dimension (rows = columns). */
  readonly dimension: number;

  /** `rank` and `dimension` are kept on the error, for the caller that drops axes. */
  constructor(message: string, rank: number, dimension: number, options?: ErrorOptions) {
    super(message, options);
    this.name = "SingularScatterError";
    this.rank = rank;
    this.dimension = dimension;
  }
}
