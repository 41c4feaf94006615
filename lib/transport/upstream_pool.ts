/**
 * Keep-alive connections to one service, for the detector's requests that are safe to
 * repeat.
 * @module
 */
import type { Request, Response } from "../protocol/mod.ts";
import type { Endpoint } from "./endpoint.ts";
import { type CallOptions, type Line, openLine, peerAt } from "./_line.ts";

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
 * `callService` on their own connection, so a failure can never repeat them.
 */
export class UpstreamPool implements Disposable {
  readonly #endpoint: Endpoint;
  readonly #maxIdle: number;
  readonly #maxIdleMs: number;
  #idle: Line[] = [];
  #disposed = false;

  /** A pool for `endpoint`; no connection is opened until the first call. */
  constructor(endpoint: Endpoint, options: PoolOptions = {}) {
    this.#endpoint = endpoint;
    this.#maxIdle = options.maxIdle ?? 8;
    this.#maxIdleMs = options.maxIdleMs ?? 5_000;
  }

  /** Idle connections held right now. */
  get idle(): number {
    return this.#idle.length;
  }

  /**
   * Sends an idempotent request, on an idle connection when there is a fresh one.
   *
   * @throws {UnavailableError} as `callService` does.
   */
  async call(request: Request, options: CallOptions): Promise<Response> {
    const where = peerAt(this.#endpoint, options);
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
