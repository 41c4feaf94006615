/**
 * The one error type of the imaging layer: callers catch it to turn a bad upload into a
 * precise reply instead of a crash.
 * @module
 */

/** Why an image was refused. */
export type ImageErrorCode = "unreadable" | "unsupported" | "too_large";

/**
 * An image could not be used. `code` says why:
 * - `unreadable`: empty, truncated, corrupt, or not an image at all;
 * - `unsupported`: a real image in a format or variant we do not decode;
 * - `too_large`: its header declares more pixels than the limits allow.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ImageError } from "./errors.ts";
 * const e = new ImageError("unreadable", "expected an image, got 0 bytes");
 * assert.equal(e.name, "ImageError");
 * assert.equal(e.code, "unreadable");
 * ```
 */
export class ImageError extends Error {
  /** Always `"ImageError"`. */
  override readonly name = "ImageError";
  /** Machine-readable reason. */
  readonly code: ImageErrorCode;

  /** An error with reason `code`; `options.cause` keeps the underlying error. */
  constructor(code: ImageErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
