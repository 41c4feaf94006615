/**
 * The web page's errors: every failure the API answers is JSON `{ error: { status,
 * message } }` with an HTTP status that fits it, and never a stack trace.
 * @module
 */
import type { Status } from "../protocol/mod.ts";

/**
 * A request the API refuses, with the HTTP status to answer and the status name the page
 * shows (a protocol status name, or the UI's own: `badRequest`, `notFound`, `tooLarge`,
 * `forbidden`, `methodNotAllowed`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { HttpError } from "./http_error.ts";
 * const e = new HttpError(413, "tooLarge", "uploads are capped at 32 MiB, got 40 MiB");
 * assert.deepEqual([e.name, e.httpStatus, e.status], ["HttpError", 413, "tooLarge"]);
 * ```
 */
export class HttpError extends Error {
  /** Always `"HttpError"`. */
  override name = "HttpError";
  /** The HTTP status code to answer with. */
  readonly httpStatus: number;
  /** The status name shown to the page. */
  readonly status: string;

  constructor(httpStatus: number, status: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.httpStatus = httpStatus;
    this.status = status;
  }
}

/**
 * The HTTP status for a detector's error reply. The detector refusing the UI's token is the
 * UI server's misconfiguration, not the browser's, so it is 502, as are the services' own
 * failures; a service that is down or busy is 503.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { httpStatusOf } from "./http_error.ts";
 * assert.deepEqual([httpStatusOf("badRequest"), httpStatusOf("unavailable")], [400, 503]);
 * ```
 */
export function httpStatusOf(status: Exclude<Status, "ok">): number {
  switch (status) {
    case "badRequest":
      return 400;
    case "notFound":
      return 404;
    case "tooLarge":
      return 413;
    case "notReady":
      return 409;
    case "unknownOperation":
      return 501;
    case "unavailable":
    case "busy":
      return 503;
    case "unauthorized":
    case "internal":
      return 502;
  }
}

/** A JSON error response. */
export function errorResponse(httpStatus: number, status: string, message: string): Response {
  return Response.json({ error: { status, message } }, { status: httpStatus });
}
