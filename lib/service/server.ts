/**
 * The TCP (or TLS) accept loop shared by both services: one request frame in, one
 * response frame out, in order, per connection.
 *
 * - Frames are bounded before allocation, and a frame must complete within a timeout of
 *   its first byte; an idle connection is closed after another timeout, so slow or silent
 *   peers never hold resources for long.
 * - Keys, when configured (`--token`, `--tokens`), are checked in constant time on every
 *   request, and the op against the key's role (roles.ts).
 * - `close()` stops accepting, lets in-flight requests finish and be answered, then closes
 *   every connection (the SIGTERM path).
 * - Bytes that break the framing are answered, when the socket still takes bytes, before
 *   the connection is closed: after a bad header, a read timeout, or a peer that half-closed
 *   inside a frame (docs/PROTOCOL.md §8).
 *
 * The loop runs on any {@link ServerListener}: {@link Server.listen} takes a TCP or TLS one
 * from lib/transport (the socket adapter), and tests pass an in-memory one to
 * {@link Server.serve}.
 *
 * @module
 */
import {
  decodeRequest,
  encodeResponse,
  type Frame,
  ProtocolError,
  readFrames,
  RESPONSE_BIT,
  toErrorResponse,
  writeFrame,
} from "../protocol/mod.ts";
import type { ErrorResponse, Request, Response } from "../protocol/messages.ts";
import {
  isDisconnect,
  listen,
  type ListenOptions,
  type ServerConnection,
  type ServerListener,
} from "../transport/mod.ts";
import type { Logger } from "./log.ts";
import { type Authorizer, authorizer, type RoleToken, serverKeys } from "./roles.ts";
import type { ServiceLimits } from "./limits.ts";
import { errorResponse } from "./errors.ts";

/** Options of {@link Server.serve}: what every connection is held to. */
export interface ServeOptions {
  /** Shared secret every request must carry, as an admin key; unset or empty: none. */
  token?: string;
  /** Keys with roles (`--tokens FILE`), besides `token`; with neither, none is asked for. */
  keys?: readonly RoleToken[];
  limits: ServiceLimits;
  log: Logger;
}

/** Options of {@link Server.listen}. */
export interface ServerOptions extends ServeOptions, ListenOptions {}

/** Answers one decoded request. Thrown errors become error responses. */
export type Handler = (request: Request) => Promise<Response>;

/** A listening service. Supports `await using`; closing twice is safe. */
export class Server implements AsyncDisposable {
  readonly #listener: ServerListener;
  readonly #options: ServeOptions;
  readonly #handler: Handler;
  readonly #connections = new Set<ServerConnection>();
  readonly #busy = new Set<Promise<unknown>>();
  readonly #authorize: Authorizer;
  #closing: Promise<void> | undefined;
  #acceptLoop: Promise<void>;

  private constructor(listener: ServerListener, options: ServeOptions, handler: Handler) {
    this.#listener = listener;
    this.#options = options;
    this.#handler = handler;
    this.#authorize = authorizer(serverKeys(options.token, options.keys));
    this.#acceptLoop = this.#accept();
  }

  /** Starts listening on TCP (or TLS). Port 0 picks a free port; read it from {@link addr}. */
  static listen(options: ServerOptions, handler: Handler): Server {
    return new Server(listen(options), options, handler);
  }

  /** Serves the connections of any listener, such as an in-memory one in tests. */
  static serve(listener: ServerListener, options: ServeOptions, handler: Handler): Server {
    return new Server(listener, options, handler);
  }

  /** The bound address. */
  get addr(): Deno.NetAddr {
    return this.#listener.addr;
  }

  async #accept(): Promise<void> {
    const { log, limits } = this.#options;
    while (!this.#closing) {
      let conn: ServerConnection;
      try {
        conn = await this.#listener.accept();
      } catch (error) {
        if (this.#closing) return;
        log.warn("accept failed", { error });
        continue;
      }
      if (this.#connections.size >= limits.maxConnections) {
        log.warn("connection refused: too many connections", { peer: conn.peer });
        conn.close();
        continue;
      }
      this.#connections.add(conn);
      this.#serve(conn).finally(() => {
        this.#connections.delete(conn);
        conn.close();
      });
    }
  }

  async #serve(conn: ServerConnection): Promise<void> {
    const { log, limits } = this.#options;
    const { peer } = conn;
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
        // Tell the peer why, if the socket still takes bytes (a peer that half-closed still
        // reads); the stream is now unusable. An idle peer started no frame: nothing to
        // answer. The reply's kind carries the op once the header got that far (§5.8).
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
      // still gets a reply, in the frame's own kind like every other (§5.8).
      return encodeResponse(
        error instanceof ProtocolError
          ? toErrorResponse(error, frame.kind)
          : errorResponse(frame.kind & ~RESPONSE_BIT, error),
      );
    }
    const auth = this.#authorize(request.token, request.op);
    if (!auth.allowed) {
      // The role says which key was used; the token itself is never logged.
      log.warn("unauthorized request refused", {
        peer,
        op: request.op,
        ...(auth.role === undefined ? {} : { role: auth.role }),
        reason: auth.message,
      });
      const refused: ErrorResponse = {
        op: request.op,
        status: "unauthorized",
        message: auth.message,
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
      for (const conn of this.#connections) conn.close();
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
