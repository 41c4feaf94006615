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
 * Operations that change nothing, so that sending one twice is harmless: a request cut
 * mid-flight (the peer, or the balancer's backend, went away) may be sent again. The
 * writes are not: an enroll whose reply was lost may have been committed (docs/PROTOCOL.md
 * §9.1).
 */
export const RETRY_SAFE_OPS: ReadonlySet<Request["op"]> = new Set<Request["op"]>([
  "identify",
  "list",
  "stats",
  "verify",
  "faces",
  "export",
]);

/** Pause before the one resend of a cut read. */
const RETRY_PAUSE_MS = 100;

/**
 * Sends one request on a new connection and returns the decoded response (an error reply
 * included: only the transport's own failures throw). With `retry`, a request of a
 * {@link RETRY_SAFE_OPS} operation whose connection was cut before the reply arrived is
 * sent once more, on a new connection; one that timed out is not (the peer is hung, not
 * gone, and the caller's time is spent).
 *
 * @throws {UnavailableError} when the peer cannot be reached, or does not answer within
 * `options.timeoutMs`.
 */
export async function callService(
  endpoint: Endpoint,
  request: Request,
  options: CallOptions & { retry?: boolean; onRetry?: (error: Error) => void },
): Promise<Response> {
  const where = peerAt(endpoint, options);
  const once = async () => {
    const line = await openLine(endpoint, options, where);
    try {
      return await line.exchange(request, options, where);
    } catch (error) {
      throw Object.assign(error as Error, { cutMidFlight: !line.timedOut });
    } finally {
      line.close();
    }
  };
  try {
    return await once();
  } catch (error) {
    const cut = (error as { cutMidFlight?: boolean }).cutMidFlight === true;
    if (!options.retry || !cut || !RETRY_SAFE_OPS.has(request.op)) throw error;
    options.onRetry?.(error as Error);
    // A moment for the peer's end to be torn down: a balancer then sees the dead backend
    // refuse the new connection and sends it to another one.
    await new Promise((resolve) => setTimeout(resolve, RETRY_PAUSE_MS));
    return await once();
  }
}
