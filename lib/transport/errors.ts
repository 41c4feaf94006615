/**
 * The one error class of the transport layer.
 * @module
 */

/**
 * The service called could not be reached, or did not answer in time. `status` is the
 * reply status a caller passing this on should send (and what the client reports).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { UnavailableError } from "./errors.ts";
 * const e = new UnavailableError("detector at 127.0.0.1:7001 is unavailable: refused");
 * assert.deepEqual([e.name, e.status], ["UnavailableError", "unavailable"]);
 * ```
 */
export class UnavailableError extends Error {
  /** Always `"UnavailableError"`. */
  override name = "UnavailableError";
  /** Always `"unavailable"`. */
  readonly status = "unavailable";
}
