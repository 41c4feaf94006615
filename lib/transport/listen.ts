/**
 * The listening side: a TCP or TLS listener as the connections the server's accept loop
 * serves. The loop itself (lib/service/server.ts) sees only {@link ServerListener} and
 * {@link ServerConnection}, so tests can hand it an in-memory listener instead.
 * @module
 */

/** PEM-encoded certificate chain and key for a TLS listener. */
export interface TlsFiles {
  /** The certificate chain, PEM. */
  cert: string;
  /** Its private key, PEM. */
  key: string;
}

/** Where to listen. */
export interface ListenOptions {
  /** The address to bind. */
  hostname: string;
  /** 0 picks a free port (read it from the listener's `addr`). */
  port: number;
  /** Serve TLS with these files. */
  tls?: TlsFiles;
}

/** One accepted connection as the server uses it. */
export interface ServerConnection {
  /** Bytes from the peer; it ends when the peer half-closes, without closing the socket. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Bytes to the peer. */
  readonly writable: WritableStream<Uint8Array>;
  /** Who is on the other end, for logs. */
  readonly peer: string;
  /** Closes both directions. Safe to call twice. */
  close(): void;
}

/** Where a server's connections come from: a TCP or TLS listener, or an in-memory one. */
export interface ServerListener {
  /** The bound address (with the port chosen, when 0 was asked for). */
  readonly addr: Deno.NetAddr;
  /** The next connection; rejects once the listener is closed. */
  accept(): Promise<ServerConnection>;
  /** Stops listening; a pending `accept` rejects. */
  close(): void;
}

/**
 * Listens on TCP, or TLS when `options.tls` is given.
 *
 * @throws {Deno.errors.AddrInUse} or {Deno.errors.AddrNotAvailable} when the address
 * cannot be bound.
 */
export function listen(options: ListenOptions): ServerListener {
  const listener = options.tls
    ? Deno.listenTls({
      hostname: options.hostname,
      port: options.port,
      cert: options.tls.cert,
      key: options.tls.key,
    })
    : Deno.listen({ hostname: options.hostname, port: options.port });
  return {
    addr: listener.addr as Deno.NetAddr,
    accept: async () => socketConnection(await listener.accept()),
    close: () => listener.close(),
  };
}

/** True for the errors of a peer that went away (reset, broken pipe, closed socket). */
export function isDisconnect(error: unknown): boolean {
  return error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.Interrupted;
}

/**
 * A socket as a {@link ServerConnection}. Its bytes are read with `conn.read()` rather than
 * through `conn.readable`, which closes the whole socket when the peer half-closes: the
 * server could then not answer a peer that stopped sending inside a frame and is waiting
 * for the reason (docs/PROTOCOL.md §8).
 */
function socketConnection(conn: Deno.Conn): ServerConnection {
  const remote = conn.remoteAddr as Deno.NetAddr;
  const readable = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const chunk = new Uint8Array(READ_CHUNK_BYTES);
      const n = await conn.read(chunk);
      if (n === null) controller.close();
      else controller.enqueue(chunk.subarray(0, n));
    },
  }, { highWaterMark: 0 });
  return {
    readable,
    writable: conn.writable,
    peer: `${remote.hostname}:${remote.port}`,
    close() {
      try {
        conn.close();
      } catch {
        // already closed
      }
    },
  };
}

/** Bytes asked of the socket per read, as `Deno.Conn.readable` does. */
const READ_CHUNK_BYTES = 64 * 1024;
