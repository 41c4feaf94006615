/**
 * What the PostgreSQL gallery needs to know about its driver (postgres.js) and the socket
 * under it: which errors mean "unreachable", and a guard for a driver fault.
 * @module
 */

// Error codes that mean "the database cannot be reached", not "the request was wrong":
// the socket's, postgres.js's own, and SQLSTATE classes 08 (connection) and 57P (shutdown).
const CONNECTION_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "57P01",
  "57P02",
  "57P03",
]);

/** True when `error` says the database was unreachable (rather than refusing a query). */
export function isConnectionLoss(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (CONNECTION_CODES.has(code) || code.startsWith("08"));
}

let guarded = false;

/**
 * postgres.js 3.4.9 under Deno can throw from a timer after the server closed a connection
 * (`socket.write` on a socket it has just set to null, in `nextWrite`), which would end
 * the process: a recognizer must outlive its database. Such an error (thrown from the
 * driver's connection module, nowhere else) is logged and swallowed here; the connection
 * it concerned is gone already and the pool makes a new one.
 */
export function guardDriverTimers(): void {
  if (guarded) return;
  guarded = true;
  globalThis.addEventListener("error", (event) => {
    const stack = (event.error as Error | undefined)?.stack ?? "";
    if (/postgres[\\/](?:[\d.]+[\\/])?(?:cjs[\\/])?src[\\/]connection\.js/.test(stack)) {
      event.preventDefault();
      console.error(
        `gallery: postgres driver error after a lost connection (ignored): ${
          (event.error as Error).message
        }`,
      );
    }
  });
}

/** An error as a message, with its code when the message lacks it. */
export function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === "string" && !error.message.includes(code)
      ? `${error.message} (${code})`
      : error.message;
  }
  return String(error);
}
