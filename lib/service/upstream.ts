/**
 * Calling a facerec service: used by the detector (to reach the recognizer) and by the
 * client (to reach the detector). One connection per call keeps a restarted peer from
 * ever leaving us holding a dead socket.
 * @module
 */
import { decodeResponse, encodeRequest, readFrames, writeFrame } from "../protocol/mod.ts";
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

/** Sends one request and returns the decoded response. */
export async function callService(
  endpoint: Endpoint,
  request: Request,
  options: CallOptions,
): Promise<Response> {
  const where = `${options.peerName} at ${endpoint.hostname}:${endpoint.port}`;
  let conn: Deno.Conn;
  const connectTimer = AbortSignal.timeout(Math.min(options.timeoutMs, 5_000));
  try {
    const connecting: Promise<Deno.Conn> = endpoint.tls
      ? Deno.connectTls({
        hostname: endpoint.hostname,
        port: endpoint.port,
        caCerts: endpoint.tls.caCerts,
      })
      : Deno.connect({ hostname: endpoint.hostname, port: endpoint.port });
    conn = await abortable(connecting, connectTimer, (c) => c.close());
    if (endpoint.tls) await abortable((conn as Deno.TlsConn).handshake(), connectTimer);
  } catch (error) {
    throw new UnavailableError(`${where} is unavailable: ${describe(error)}`, { cause: error });
  }
  const timer = setTimeout(() => {
    try {
      conn.close();
    } catch {
      // already closed
    }
  }, options.timeoutMs);
  try {
    const writer = conn.writable.getWriter();
    await writeFrame(writer, encodeRequest(request));
    writer.releaseLock();
    const frames = readFrames(conn.readable, {
      maxBodyBytes: options.maxFrameBytes,
      idleTimeoutMs: options.timeoutMs,
      readTimeoutMs: options.timeoutMs,
    });
    for await (const frame of frames) {
      return decodeResponse(frame, { maxBodyBytes: options.maxFrameBytes });
    }
    throw new Error("the connection closed before a reply arrived");
  } catch (error) {
    if (error instanceof UnavailableError) throw error;
    throw new UnavailableError(`${where} did not answer: ${describe(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // already closed
    }
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
