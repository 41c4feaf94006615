/**
 * The one error class of the protocol layer.
 *
 * @module
 */

/** The reply status a server should send for a {@link ProtocolError}. */
export type ProtocolErrorStatus = "badRequest" | "tooLarge" | "unknownOperation";

/** Which timer of {@link readFrames} fired. */
export type ProtocolTimeout = "read" | "idle";

/** Options of {@link ProtocolError}. */
export interface ProtocolErrorOptions extends ErrorOptions {
  /** The reply status; defaults to `"badRequest"`. */
  status?: ProtocolErrorStatus;
  /** True when the byte stream can no longer be trusted (see {@link ProtocolError.fatal}). */
  fatal?: boolean;
  /** The raw op id of the frame concerned, when it is known. */
  op?: number;
  /** Set when the error is a timeout rather than bad bytes. */
  timeout?: ProtocolTimeout;
}

/**
 * Bytes that break the wire protocol, or a frame that did not arrive in time.
 *
 * Decoders throw nothing else for bad input, so a server can catch this one class, answer
 * with {@link ProtocolError.status}, and close the connection when
 * {@link ProtocolError.fatal} is set.
 *
 * @example Classify a failure
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRequest, ProtocolError } from "./mod.ts";
 *
 * assert.throws(() => decodeRequest(new Uint8Array([1, 2, 3])), ProtocolError);
 * ```
 */
export class ProtocolError extends Error {
  /** Always `"ProtocolError"`. */
  override name = "ProtocolError";
  /** The status a reply should carry. */
  readonly status: ProtocolErrorStatus;
  /**
   * True when frame boundaries were lost (bad header, over-cap length, stream cut
   * mid-frame, timeout): the peer must be answered, if at all, and then disconnected.
   * False when one whole frame was read but its body is invalid: the connection can go on.
   */
  readonly fatal: boolean;
  /** Raw op id (the header's kind byte without the response bit), when known. */
  op: number | undefined;
  /** Which timer fired, for timeouts; `undefined` otherwise. */
  readonly timeout: ProtocolTimeout | undefined;

  /** Builds an error; `message` should say what was expected and what was got. */
  constructor(message: string, options: ProtocolErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.status = options.status ?? "badRequest";
    this.fatal = options.fatal ?? false;
    this.op = options.op;
    this.timeout = options.timeout;
  }
}
