/**
 * Where a service listens, as the command lines name it.
 * @module
 */

/** Where a service listens, and how to reach it. */
export interface Endpoint {
  /** Host name or IP address (an IPv6 one without brackets). */
  hostname: string;
  /** TCP port, 1 to 65535 (0, a free one, only when listening). */
  port: number;
  /** Use TLS, trusting these PEM CA certificates (in addition to the system store). */
  tls?: { caCerts?: string[] };
}

/**
 * Parses `HOST:PORT` (or `[v6]:PORT`).
 *
 * @throws {TypeError} naming what was expected, for anything else.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseEndpoint } from "./endpoint.ts";
 * assert.deepEqual(parseEndpoint("127.0.0.1:7001"), { hostname: "127.0.0.1", port: 7001 });
 * assert.deepEqual(parseEndpoint("[::1]:7002"), { hostname: "::1", port: 7002 });
 * assert.throws(() => parseEndpoint("localhost"), TypeError);
 * ```
 */
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
