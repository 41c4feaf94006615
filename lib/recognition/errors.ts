/**
 * The errors of the recognition layer that callers are expected to catch. Wrong shapes and
 * out-of-range arguments are plain `TypeError` / `RangeError`.
 *
 * @module
 */

/** A model file is truncated, corrupt, of another version, or not a facerec model at all. */
export class ModelFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ModelFileError";
  }
}

/** `predict` or `save` was called before `train` (or a load) produced a model. */
export class NotTrainedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "NotTrainedError";
  }
}

/** `update` was called on an algorithm that can only be retrained (Eigenfaces, Fisherfaces). */
export class UpdateNotSupportedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "UpdateNotSupportedError";
  }
}
