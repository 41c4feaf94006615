/**
 * An in-memory {@link ServerListener} for server tests without sockets: each `connect()`
 * is a pair of byte streams with the semantics the server relies on — a client may
 * half-close (the server's readable ends, its writable still works), reset (both break),
 * and a server-side close ends the client's readable.
 * @module
 */
import { decodeResponse, type Frame, readFrames, type Response } from "../../lib/protocol/mod.ts";
import type { ServerConnection, ServerListener } from "../../lib/transport/mod.ts";

/** The client's end of one in-memory connection. */
export interface MemoryClient {
  /** Bytes from the server; ends when the server closes the connection. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Writes bytes to the server; fails once the server closed the connection. */
  write(bytes: Uint8Array): Promise<void>;
  /** Stops sending, like TCP's half-close: the server sees the end of its stream. */
  closeWrite(): void;
  /** Drops the connection both ways, like a reset. */
  close(): void;
}

/** A byte pipe whose reading side can be ended or broken from either end. */
function pipe() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const readable = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  const quietly = (fn: () => void) => {
    try {
      fn();
    } catch {
      // already closed or broken
    }
  };
  let open = true;
  return {
    readable,
    send(bytes: Uint8Array): void {
      if (!open) throw new Deno.errors.BrokenPipe("the connection is closed");
      controller.enqueue(bytes.slice()); // a copy, as a socket would deliver
    },
    end: () => {
      if (open) quietly(() => controller.close());
      open = false;
    },
    break: (error: Error) => {
      if (open) quietly(() => controller.error(error));
      open = false;
    },
  };
}

/** See the module documentation. */
export class MemoryListener implements ServerListener {
  readonly addr: Deno.NetAddr = { transport: "tcp", hostname: "memory", port: 0 };
  #pending: ServerConnection[] = [];
  #waiting: PromiseWithResolvers<ServerConnection>[] = [];
  #closed = false;
  #count = 0;

  /** Opens a connection; the server accepts it on its next `accept()`. */
  connect(): MemoryClient {
    if (this.#closed) throw new Deno.errors.ConnectionRefused("the listener is closed");
    const up = pipe(), down = pipe();
    const server: ServerConnection = {
      readable: up.readable,
      writable: new WritableStream({ write: (chunk) => down.send(chunk) }),
      peer: `memory:${++this.#count}`,
      close() {
        up.break(new Deno.errors.BadResource("closed by the server"));
        down.end();
      },
    };
    const waiter = this.#waiting.shift();
    if (waiter) waiter.resolve(server);
    else this.#pending.push(server);
    return {
      readable: down.readable,
      write: (bytes) => Promise.resolve().then(() => up.send(bytes)),
      closeWrite: () => up.end(),
      close() {
        up.break(new Deno.errors.ConnectionReset("reset by the client"));
        down.break(new Deno.errors.ConnectionReset("closed by the client"));
      },
    };
  }

  accept(): Promise<ServerConnection> {
    if (this.#closed) return Promise.reject(new Deno.errors.BadResource("listener closed"));
    const ready = this.#pending.shift();
    if (ready) return Promise.resolve(ready);
    const waiter = Promise.withResolvers<ServerConnection>();
    this.#waiting.push(waiter);
    return waiter.promise;
  }

  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiting.splice(0)) {
      waiter.reject(new Deno.errors.BadResource("listener closed"));
    }
  }
}

/** What a client got back: the raw frames, decoded, and whether the server hung up. */
export interface Replies {
  frames: Frame[];
  responses: Response[];
  /** True when the server closed the connection before `count` replies arrived. */
  closed: boolean;
}

/** Reads up to `count` replies from `client`, or until the server closes the connection. */
export async function readReplies(client: MemoryClient, count = 1): Promise<Replies> {
  const frames: Frame[] = [];
  for await (const frame of readFrames(client.readable, { idleTimeoutMs: 10_000 })) {
    frames.push(frame);
    if (frames.length === count) {
      return { frames, responses: frames.map((f) => decodeResponse(f)), closed: false };
    }
  }
  return { frames, responses: frames.map((f) => decodeResponse(f)), closed: true };
}
