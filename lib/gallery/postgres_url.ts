/**
 * The `--gallery` URL: `postgres://USER[:PASS]@HOST:PORT/DB`, checked up front so that a
 * typo is a clear usage error rather than a connection failure later.
 * @module
 */

/** The parts of a gallery URL. */
export interface PostgresUrl {
  /** USER, decoded. */
  user: string;
  /** HOST (a name or an address). */
  host: string;
  /** PORT, 5432 when the URL has none. */
  port: number;
  /** DB, decoded. */
  database: string;
}

/**
 * Checks a PostgreSQL URL and returns its parts; throws a `TypeError` saying what was
 * expected and what was got.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parsePostgresUrl } from "./postgres_url.ts";
 * assert.deepEqual(parsePostgresUrl("postgres://face:pw@127.0.0.1:5433/gallery"), {
 *   user: "face",
 *   host: "127.0.0.1",
 *   port: 5433,
 *   database: "gallery",
 * });
 * assert.throws(() => parsePostgresUrl("mysql://x@h/db"), TypeError);
 * ```
 */
export function parsePostgresUrl(url: string): PostgresUrl {
  const expected = "expected postgres://USER[:PASS]@HOST:PORT/DB";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`${expected}, got ${JSON.stringify(redactUrl(url))} (not a URL)`);
  }
  const shown = JSON.stringify(redactUrl(url));
  if (parsed.protocol !== "postgres:" && parsed.protocol !== "postgresql:") {
    throw new TypeError(
      `${expected}, got the scheme ${JSON.stringify(parsed.protocol)} in ${shown}`,
    );
  }
  if (!parsed.username) throw new TypeError(`${expected}, got no USER in ${shown}`);
  if (!parsed.hostname) throw new TypeError(`${expected}, got no HOST in ${shown}`);
  const port = parsed.port === "" ? 5432 : Number(parsed.port);
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ""));
  if (!database || database.includes("/")) {
    throw new TypeError(`${expected}, got no database name (DB) in ${shown}`);
  }
  return {
    user: decodeURIComponent(parsed.username),
    host: parsed.hostname,
    port,
    database,
  };
}

/**
 * The URL with its password replaced by `***`, for logs and messages.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { redactUrl } from "./postgres_url.ts";
 * assert.equal(redactUrl("postgres://u:secret@h:1/d"), "postgres://u:***@h:1/d");
 * ```
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:/@]*):[^@]*@/i, "$1:***@");
}

/** True when `location` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}
