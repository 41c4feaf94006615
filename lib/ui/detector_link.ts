/**
 * How the web page's server talks to the detector: one TLV request per call, with the
 * token the UI was started with (the page never sees it), and a detector's error reply
 * turned into an {@link HttpError}.
 * @module
 */
import {
  type ClientRequest,
  DEFAULT_LIMITS,
  type ErrorResponse,
  type Response as Reply,
} from "../protocol/mod.ts";
import { callService, type Endpoint, UnavailableError } from "../transport/mod.ts";
import { HttpError, httpStatusOf } from "./http_error.ts";

/** A successful reply to a request of operation `O`. */
export type ReplyOf<O extends ClientRequest["op"]> = Extract<Reply, { op: O; status: "ok" }>;

/** Calls the detector on behalf of the page. */
export interface DetectorLink {
  /**
   * Sends `request` and returns its successful reply.
   *
   * @throws {HttpError} for an error reply (with its status), or 503 when the detector
   * cannot be reached.
   */
  call<R extends ClientRequest>(request: R): Promise<ReplyOf<R["op"]>>;
  /** Where the detector is, for messages. */
  readonly address: string;
}

/** A {@link DetectorLink} over TCP to `endpoint`. */
export function detectorLink(
  endpoint: Endpoint,
  token: string | undefined,
  timeoutMs: number,
): DetectorLink {
  const address = `${endpoint.hostname}:${endpoint.port}`;
  return {
    address,
    async call<R extends ClientRequest>(request: R): Promise<ReplyOf<R["op"]>> {
      let reply: Reply;
      try {
        reply = await callService(endpoint, { ...request, ...(token ? { token } : {}) }, {
          timeoutMs,
          maxFrameBytes: DEFAULT_LIMITS.maxBodyBytes,
          peerName: "detector",
        });
      } catch (error) {
        if (error instanceof UnavailableError) {
          throw new HttpError(503, "unavailable", error.message, { cause: error });
        }
        throw error;
      }
      if (reply.status !== "ok") {
        const failure = reply as ErrorResponse;
        const message = failure.status === "unauthorized"
          ? `the detector refused the UI server's token (${failure.message}); ` +
            "start the UI with the detector's --token"
          : failure.message;
        throw new HttpError(httpStatusOf(failure.status), failure.status, message);
      }
      if (reply.op !== request.op) {
        throw new HttpError(502, "internal", `the detector answered ${reply.op} to ${request.op}`);
      }
      return reply as ReplyOf<R["op"]>;
    },
  };
}
