/**
 * The TCP (or TLS) accept loop shared by both services: one request frame in, one
 * response frame out, in order, per connection.
 *
 * - Frames are bounded before allocation, and a frame must complete within a timeout of
 *   its first byte; an idle connection is closed after another timeout, so slow or silent
 *   peers never hold resources for long.
 * - A shared token, when configured, is checked in constant time on every request.
 * - `close()` stops accepting, lets in-flight requests finish and be answered, then closes
 *   every connection (the SIGTERM path).
 *
 * @module
 */
import {
  decodeRequest,
  encodeResponse,
  type Frame,
  ProtocolError,
  readFrames,
  toErrorResponse,
  writeFrame,
} from "../protocol/mod.ts";
import type { ErrorResponse, Request, Response } from "../protocol/messages.ts";
import type { Logger } from "./log.ts";
import { tokenChecker } from "./token.ts";
import type { ServiceLimits } from "./limits.ts";
import { errorResponse } from "./errors.ts";

/** PEM-encoded certificate chain and key for a TLS listener. */
export interface TlsFiles {
  cert: string;
  key: string;
}

/** Options of {@link Server.listen}. */
export interface ServerOptions {
  hostname: string;
  port: number;
  tls?: TlsFiles;
  token?: string;
  limits: ServiceLimits;
  log: Logger;
}

/** Answers one decoded request. Thrown errors become error responses. */
export type Handler = (request: Request) => Promise<Response>;

/** A listening service. Supports `await using`; closing twice is safe. */
export class Server implements AsyncDisposable {
  readonly #listener: Deno.Listener;
  readonly #options: ServerOptions;
  readonly #handler: Handler;
  readonly #connections = new Set<Deno.Conn>();
  readonly #busy = new Set<Promise<unknown>>();
  readonly #checkToken: (given: string | undefined) => boolean;
  #closing: Promise<void> | undefined;
  #acceptLoop: Promise<void>;

  private constructor(listener: Deno.Listener, options: ServerOptions, handler: Handler) {
    this.#listener = listener;
    this.#options = options;
    this.#handler = handler;
    this.#checkToken = tokenChecker(options.token);
    this.#acceptLoop = this.#accept();
  }

  /** Starts listening. Port 0 picks a free port; read it from {@link addr}. */
  static listen(options: ServerOptions, handler: Handler): Server {
    const listener = options.tls
      ? Deno.listenTls({
        hostname: options.hostname,
        port: options.port,
        cert: options.tls.cert,
        key: options.tls.key,
      })
      : Deno.listen({ hostname: options.hostname, port: options.port });
    return new Server(listener, options, handler);
  }

  /** The bound address. */
  get addr(): Deno.NetAddr {
    return this.#listener.addr as Deno.NetAddr;
  }

  async #accept(): Promise<void> {
    const { log, limits } = this.#options;
    while (!this.#closing) {
      let conn: Deno.Conn;
      try {
        conn = await this.#listener.accept();
      } catch (error) {
        if (this.#closing) return;
        log.warn("accept failed", { error });
        continue;
      }
      const remote = conn.remoteAddr as Deno.NetAddr;
      const peer = `${remote.hostname}:${remote.port}`;
      if (this.#connections.size >= limits.maxConnections) {
        log.warn("connection refused: too many connections", { peer });
        conn.close();
        continue;
      }
      this.#connections.add(conn);
      this.#serve(conn, peer).finally(() => {
        this.#connections.delete(conn);
        try {
          conn.close();
        } catch {
          // already closed
        }
      });
    }
  }

  async #serve(conn: Deno.Conn, peer: string): Promise<void> {
    const { log, limits } = this.#options;
    const writer = conn.writable.getWriter();
    try {
      const frames = readFrames(conn.readable, {
        maxBodyBytes: limits.maxFrameBytes,
        idleTimeoutMs: limits.idleTimeoutMs,
        readTimeoutMs: limits.frameTimeoutMs,
      });
      for await (const frame of frames) {
        if (this.#closing) break;
        // The write counts as in flight too, so close() waits until the reply is out.
        const work = this.#answer(frame, peer).then((reply) =>
          writeWithin(writer, reply, limits.frameTimeoutMs)
        );
        this.#busy.add(work);
        try {
          await work;
        } finally {
          this.#busy.delete(work);
        }
      }
    } catch (error) {
      if (error instanceof ProtocolError) {
        const idle = error.timeout === "idle";
        if (idle) log.debug("idle connection closed", { peer });
        else log.warn("connection dropped: bad framing", { peer, error });
        // Tell the peer why, if the socket still takes bytes; the stream is now unusable.
        if (!idle) {
          const reply = encodeResponse(toErrorResponse(error));
          await writeWithin(writer, reply, limits.frameTimeoutMs).catch(() => {});
        }
      } else if (!isDisconnect(error)) {
        log.warn("connection error", { peer, error });
      }
    } finally {
      writer.releaseLock();
    }
  }

  async #answer(frame: Frame, peer: string): Promise<Uint8Array> {
    const { log, limits } = this.#options;
    let request: Request;
    try {
      request = decodeRequest(frame, { maxBodyBytes: limits.maxFrameBytes });
    } catch (error) {
      log.warn("bad request", { peer, error });
      // The decoder throws only ProtocolError for bad bytes; anything else is our bug, and
      // still gets a reply (op 0: "could not read the op").
      return encodeResponse(
        error instanceof ProtocolError
          ? toErrorResponse(error, frame.kind)
          : errorResponse(0, error),
      );
    }
    if (!this.#checkToken(request.token)) {
      log.warn("unauthorized request refused", { peer, op: request.op });
      const refused: ErrorResponse = {
        op: request.op,
        status: "unauthorized",
        message: "missing or wrong token",
      };
      return encodeResponse(refused);
    }
    const started = performance.now();
    let response: Response;
    try {
      response = await this.#handler(request);
    } catch (error) {
      response = errorResponse(request.op, error);
      if (response.status === "internal") log.error("request failed", { peer, error });
    }
    log.debug("request", {
      peer,
      op: request.op,
      status: response.status,
      ms: Math.round(performance.now() - started),
    });
    return encodeResponse(response);
  }

  /** Stops accepting, finishes in-flight requests, then closes all connections. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      try {
        this.#listener.close();
      } catch {
        // already closed
      }
      await this.#acceptLoop;
      await Promise.allSettled([...this.#busy]);
      // Let the last replies flush before the sockets go.
      await new Promise((r) => setTimeout(r, 10));
      for (const conn of this.#connections) {
        try {
          conn.close();
        } catch {
          // already closed
        }
      }
    })();
    return this.#closing;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Writes one frame, giving up after `ms`: a peer that stops reading (or reads a byte a
 * second) must not hold a connection, its reply buffer and a drain forever. The caller
 * then closes the connection, which also fails the abandoned write.
 */
async function writeWithin(
  writer: WritableStreamDefaultWriter<Uint8Array>,
  frame: Uint8Array,
  ms: number,
): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the peer did not take a ${frame.length}-byte reply within ${ms} ms`)),
      ms,
    );
  });
  const writing = writeFrame(writer, frame);
  writing.catch(() => {}); // observed by the race below, or abandoned after a timeout
  try {
    await Promise.race([writing, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function isDisconnect(error: unknown): boolean {
  return error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.Interrupted;
}
