/**
 * Errors of the gallery layer.
 * @module
 */

/** Why a gallery operation was refused. */
export type GalleryErrorCode =
  | "invalid_name"
  | "not_found"
  | "corrupt"
  | "locked"
  /** A rename onto a name that another person already holds. */
  | "exists"
  /** A shared gallery's database cannot be reached (writes are refused meanwhile). */
  | "unavailable";

/** A gallery operation that callers are expected to catch and report. */
export class GalleryError extends Error {
  /** Always `"GalleryError"`. */
  override name = "GalleryError";
  /** Why the operation was refused, for callers that react to one reason only. */
  readonly code: GalleryErrorCode;
  /** `options.cause` keeps the underlying error, such as SQLite's. */
  constructor(code: GalleryErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}
