/**
 * One request to a facerec service on a connection of its own: how the client reaches the
 * detector, and the detector the recognizer for requests that change state.
 * @module
 */
import type { Request, Response } from "../protocol/mod.ts";
import type { Endpoint } from "./endpoint.ts";
import { type CallOptions, openLine, peerAt } from "./_line.ts";

export type { CallOptions } from "./_line.ts";

/**
 * Sends one request on a new connection and returns the decoded response (an error reply
 * included: only the transport's own failures throw).
 *
 * @throws {UnavailableError} when the peer cannot be reached, or does not answer within
 * `options.timeoutMs`.
 */
export async function callService(
  endpoint: Endpoint,
  request: Request,
  options: CallOptions,
): Promise<Response> {
  const where = peerAt(endpoint, options);
  const line = await openLine(endpoint, options, where);
  try {
    return await line.exchange(request, options, where);
  } finally {
    line.close();
  }
}
