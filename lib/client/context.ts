/**
 * What every client command runs with: where the detector is, how to talk to it, and where
 * to write.
 * @module
 */
import { type ClientRequest, DEFAULT_LIMITS, type Response } from "../protocol/mod.ts";
import { callService, type Endpoint } from "../transport/mod.ts";

/** Registers and removes an interrupt (Ctrl-C) handler. */
export interface SignalHooks {
  add(handler: () => void): void;
  remove(handler: () => void): void;
}

/** Where the client writes; tests pass their own. */
export interface ClientIO {
  out(line: string): void;
  err(line: string): void;
  /** Where Ctrl-C is heard (default: the process's SIGINT). */
  signals?: SignalHooks;
}

/** The settings every command shares, from the global flags. */
export interface ClientSettings {
  endpoint: Endpoint;
  token: string | undefined;
  /** `--json`: machine-readable output. */
  json: boolean;
  timeoutMs: number;
}

/** A command's settings and output. */
export interface Context extends ClientSettings {
  io: ClientIO;
}

/** The process's stdout and stderr. */
export const defaultIO: ClientIO = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** The process's SIGINT. */
export const defaultSignals: SignalHooks = {
  add: (h) => Deno.addSignalListener("SIGINT", h),
  remove: (h) => Deno.removeSignalListener("SIGINT", h),
};

/**
 * Sends one request to the detector, with the token, on its own connection. A reply is
 * accepted up to the codec's default frame cap. A read (identify, list, stats) whose
 * connection is cut before its reply is retried once, on a new connection.
 *
 * @throws {UnavailableError} when the detector cannot be reached or does not answer.
 */
export function call(ctx: Context, request: ClientRequest): Promise<Response> {
  return callService(ctx.endpoint, { ...request, token: ctx.token }, {
    timeoutMs: ctx.timeoutMs,
    maxFrameBytes: DEFAULT_LIMITS.maxBodyBytes,
    peerName: "detector",
    // A read cut mid-flight (a detector behind a balancer went away) is sent once more.
    retry: true,
  });
}
