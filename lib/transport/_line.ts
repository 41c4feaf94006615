/**
 * One outgoing connection and its frame stream: what {@link callService} and
 * {@link UpstreamPool} exchange requests on. Private to this folder.
 * @module
 */
import {
  decodeResponse,
  encodeRequest,
  type Frame,
  readFrames,
  type Request,
  type Response,
  writeFrame,
} from "../protocol/mod.ts";
import type { Endpoint } from "./endpoint.ts";
import { UnavailableError } from "./errors.ts";

/** Options of one call. */
export interface CallOptions {
  /** The whole call (connect, send, answer) must finish within this. */
  timeoutMs: number;
  /** Largest reply body accepted, in bytes. */
  maxFrameBytes: number;
  /** What to call the peer in errors ("recognizer", "detector"). */
  peerName: string;
}

/** One connection and its frame stream, for one exchange at a time. */
export class Line {
  readonly #conn: Deno.Conn;
  readonly #frames: AsyncIterator<Frame>;
  #closed = false;
  #timedOut = false;
  /** When it last finished an exchange (for the pool's age limit). */
  idleSince = 0;

  constructor(conn: Deno.Conn, maxFrameBytes: number) {
    this.#conn = conn;
    // No timers here: each exchange arms its own, and a line resting in the pool reads
    // nothing (the generator is suspended between frames).
    this.#frames = readFrames(conn.readable, { maxBodyBytes: maxFrameBytes })[
      Symbol.asyncIterator
    ]();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether an exchange ran out of time (the peer hangs, rather than went away). */
  get timedOut(): boolean {
    return this.#timedOut;
  }

  /**
   * Writes the request and reads one reply within `options.timeoutMs`. On any failure the
   * line is closed; `timedOut` tells a hung peer from a connection that went away.
   */
  async exchange(request: Request, options: CallOptions, where: string): Promise<Response> {
    const timer = setTimeout(() => {
      this.#timedOut = true;
      this.close();
    }, options.timeoutMs);
    try {
      const writer = this.#conn.writable.getWriter();
      try {
        await writeFrame(writer, encodeRequest(request));
      } finally {
        writer.releaseLock();
      }
      const next = await this.#frames.next();
      if (next.done) throw new Error("the connection closed before a reply arrived");
      return decodeResponse(next.value, { maxBodyBytes: options.maxFrameBytes });
    } catch (error) {
      this.close();
      const why = this.#timedOut ? `no reply within ${options.timeoutMs} ms` : describe(error);
      throw new UnavailableError(`${where} did not answer: ${why}`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.#conn.close();
    } catch {
      // already closed
    }
  }
}

/** `peerName at host:port`, as errors name the peer. */
export function peerAt(endpoint: Endpoint, options: CallOptions): string {
  return `${options.peerName} at ${endpoint.hostname}:${endpoint.port}`;
}

/** Connects (TCP, or TLS with its handshake) within the call's connect budget. */
export async function openLine(
  endpoint: Endpoint,
  options: CallOptions,
  where: string,
): Promise<Line> {
  const connectTimer = AbortSignal.timeout(Math.min(options.timeoutMs, 5_000));
  try {
    const connecting: Promise<Deno.Conn> = endpoint.tls
      ? Deno.connectTls({
        hostname: endpoint.hostname,
        port: endpoint.port,
        caCerts: endpoint.tls.caCerts,
      })
      : Deno.connect({ hostname: endpoint.hostname, port: endpoint.port });
    const conn = await abortable(connecting, connectTimer, (c) => c.close());
    if (endpoint.tls) {
      await abortable((conn as Deno.TlsConn).handshake(), connectTimer).catch((error) => {
        conn.close();
        throw error;
      });
    }
    return new Line(conn, options.maxFrameBytes);
  } catch (error) {
    throw new UnavailableError(`${where} is unavailable: ${describe(error)}`, { cause: error });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function abortable<T>(
  work: Promise<T>,
  signal: AbortSignal,
  cleanup?: (value: T) => void,
): Promise<T> {
  let onAbort: () => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new Error("timed out connecting"));
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } catch (error) {
    if (cleanup) work.then(cleanup, () => {});
    throw error;
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
}
