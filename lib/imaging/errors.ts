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
 * import { ImageError } from "./errors.ts";
 * const e = new ImageError("unreadable", "expected an image, got 0 bytes");
 * console.assert(e.name === "ImageError" && e.code === "unreadable");
 * ```
 */
export class ImageError extends Error {
  override readonly name = "ImageError";
  /** Machine-readable reason. */
  readonly code: ImageErrorCode;

  constructor(code: ImageErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
