/**
 * The reply a server owes a peer whose bytes broke the protocol.
 *
 * @module
 */

import { nameOfId } from "./codes.ts";
import type { ProtocolError } from "./errors.ts";
import { RESPONSE_BIT } from "./frame.ts";
import { type ErrorResponse, OPS } from "./messages.ts";

/**
 * Builds the error response for a {@link ProtocolError}: its status and message, and the op
 * of the frame it is about — the error's own `op`, else the low bits of `kind` (the frame's
 * kind byte, when the caller has the frame), else 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRequest, ProtocolError, toErrorResponse } from "./mod.ts";
 *
 * try {
 *   decodeRequest({ kind: 12, body: new Uint8Array(0) });
 * } catch (error) {
 *   if (!(error instanceof ProtocolError)) throw error;
 *   const reply = toErrorResponse(error);
 *   assert.equal(reply.op, 12);
 *   assert.equal(reply.status, "unknownOperation");
 *   assert.match(reply.message, /^unknown operation id 12, expected 1\.\.\d+$/);
 * }
 * ```
 */
export function toErrorResponse(error: ProtocolError, kind?: number): ErrorResponse {
  const opId = error.op ?? (kind === undefined ? 0 : kind & ~RESPONSE_BIT);
  return { op: nameOfId(OPS, opId) ?? opId, status: error.status, message: error.message };
}
