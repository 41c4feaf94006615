/**
 * Errors of the gallery layer.
 * @module
 */

/** Why a gallery operation was refused. */
export type GalleryErrorCode = "invalid_name" | "not_found" | "corrupt" | "locked";

/** A gallery operation that callers are expected to catch and report. */
export class GalleryError extends Error {
  override name = "GalleryError";
  readonly code: GalleryErrorCode;
  constructor(code: GalleryErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
