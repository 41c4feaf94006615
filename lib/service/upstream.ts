/**
 * Calling a facerec service: used by the detector (to reach the recognizer) and by the
 * client (to reach the detector). {@link callService} opens one connection per call;
 * {@link UpstreamPool} keeps connections alive for requests that are safe to repeat.
 * @module
 */
import {
  decodeResponse,
  encodeRequest,
  type Frame,
  readFrames,
  writeFrame,
} from "../protocol/mod.ts";
import type { Request, Response } from "../protocol/messages.ts";
import { UnavailableError } from "./errors.ts";

/** Where a service listens, and how to reach it. */
export interface Endpoint {
  hostname: string;
  port: number;
  /** Use TLS, trusting these PEM CA certificates (in addition to the system store). */
  tls?: { caCerts?: string[] };
}

/** Parses `HOST:PORT` (or `[v6]:PORT`). Throws TypeError naming what was expected. */
export function parseEndpoint(text: string): Endpoint {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text.trim());
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) {
    throw new TypeError(
      `expected HOST:PORT with a port from 1 to 65535, got ${JSON.stringify(text)}`,
    );
  }
  return { hostname: (match[1] ?? match[2])!, port };
}

/** Options of {@link callService}. */
export interface CallOptions {
  /** The whole call (connect, send, answer) must finish within this. */
  timeoutMs: number;
  maxFrameBytes: number;
  /** What to call the peer in errors ("recognizer", "detector"). */
  peerName: string;
}

/** Sends one request on a new connection and returns the decoded response. */
export async function callService(
  endpoint: Endpoint,
  request: Request,
  options: CallOptions,
): Promise<Response> {
  const where = `${options.peerName} at ${endpoint.hostname}:${endpoint.port}`;
  const line = await openLine(endpoint, options, where);
  try {
    return await line.exchange(request, options, where);
  } finally {
    line.close();
  }
}

/** One connection and its frame stream, for one exchange at a time. */
class Line {
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

async function openLine(endpoint: Endpoint, options: CallOptions, where: string): Promise<Line> {
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

/** Options of {@link UpstreamPool}. */
export interface PoolOptions {
  /** Most idle connections kept (default 8). */
  maxIdle?: number;
  /**
   * An idle connection older than this is not reused (default 5 s), well inside the
   * peer's own idle timeout (60 s by default), so the peer never closes one under us.
   */
  maxIdleMs?: number;
}

/**
 * Keep-alive connections to one service, for requests that may safely be sent twice
 * (identify, list, stats): each saves a TCP (and TLS) handshake on both sides. A reused
 * connection that turns out dead (the peer restarted) is replaced once by a new one; a
 * peer that hangs is not retried. Requests that change state go through
 * {@link callService} on their own connection, so a failure can never repeat them.
 */
export class UpstreamPool implements Disposable {
  readonly #endpoint: Endpoint;
  readonly #maxIdle: number;
  readonly #maxIdleMs: number;
  #idle: Line[] = [];
  #disposed = false;

  constructor(endpoint: Endpoint, options: PoolOptions = {}) {
    this.#endpoint = endpoint;
    this.#maxIdle = options.maxIdle ?? 8;
    this.#maxIdleMs = options.maxIdleMs ?? 5_000;
  }

  /** Idle connections held right now. */
  get idle(): number {
    return this.#idle.length;
  }

  /** Sends an idempotent request, on an idle connection when there is a fresh one. */
  async call(request: Request, options: CallOptions): Promise<Response> {
    const where = `${options.peerName} at ${this.#endpoint.hostname}:${this.#endpoint.port}`;
    const reused = this.#take();
    if (reused) {
      try {
        const response = await reused.exchange(request, options, where);
        this.#give(reused);
        return response;
      } catch (error) {
        if (reused.timedOut) throw error;
        // Most likely the peer closed it (restart, idle timeout): once more, fresh.
      }
    }
    const line = await openLine(this.#endpoint, options, where);
    const response = await line.exchange(request, options, where);
    this.#give(line);
    return response;
  }

  #take(): Line | undefined {
    const now = Date.now();
    while (this.#idle.length > 0) {
      const line = this.#idle.pop()!;
      if (!line.closed && now - line.idleSince < this.#maxIdleMs) return line;
      line.close();
    }
    return undefined;
  }

  #give(line: Line): void {
    if (this.#disposed || line.closed || this.#idle.length >= this.#maxIdle) {
      line.close();
      return;
    }
    line.idleSince = Date.now();
    this.#idle.push(line);
  }

  /** Closes every idle connection; calls in flight close theirs when they end. */
  [Symbol.dispose](): void {
    this.#disposed = true;
    for (const line of this.#idle.splice(0)) line.close();
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
