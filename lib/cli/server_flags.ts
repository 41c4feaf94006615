/**
 * Flags shared by the two servers, and turning them into service options.
 * @module
 */
import { parseArgs } from "node:util";
import { DEFAULT_LIMITS, type ServiceLimits } from "../service/limits.ts";
import { LOG_LEVELS, type LogLevel } from "../service/log.ts";
import type { TlsFiles } from "../transport/mod.ts";
import type { RoleToken } from "../service/roles.ts";
import { parseTokens } from "../service/tokens_file.ts";
import { UsageError } from "../core/usage_error.ts";

/** Options every server accepts. */
export const SERVER_FLAGS = {
  host: { type: "string", default: "127.0.0.1" },
  port: { type: "string" },
  workers: { type: "string" },
  token: { type: "string" },
  tokens: { type: "string" },
  "tls-cert": { type: "string" },
  "tls-key": { type: "string" },
  "log-level": { type: "string", default: "info" },
  "max-frame-mb": { type: "string" },
  "idle-timeout": { type: "string" },
  "read-timeout": { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** Options of a server that forwards to another (the detector). */
export const FORWARD_FLAGS = {
  "upstream-timeout": { type: "string" },
  "query-timeout": { type: "string" },
} as const;

/** Help text for {@link FORWARD_FLAGS}. */
export const FORWARD_FLAGS_HELP =
  `  --upstream-timeout S an enroll or forget sent on to the recognizer may take S seconds
                       (default 120)
  --query-timeout S    an identify, list or stats sent on may take S seconds (default 15)`;

/** Help text for {@link SERVER_FLAGS}. */
export const SERVER_FLAGS_HELP =
  `  --host HOST          address to bind (default 127.0.0.1: this machine only)
  --port PORT          port to listen on (0 picks a free one)
  --workers N          OpenCV worker isolates (default: number of CPU cores)
  --token SECRET       require this shared token, an admin key (default: $FACEREC_TOKEN)
  --tokens FILE        keys with roles: one "ROLE TOKEN" per line, ROLE admin, enroll or
                       identify (# comments and blank lines allowed)
  --tls-cert FILE      serve TLS with this PEM certificate chain...
  --tls-key FILE       ...and this PEM private key
  --log-level LEVEL    debug, info, warn, error or silent (default info)
  --max-frame-mb N     largest request accepted, in MiB (default 64)
  --idle-timeout S     close connections idle for S seconds (default 60)
  --read-timeout S     a started frame must arrive within S seconds (default 30)
  -h, --help           show this help`;

/** Parses an integer flag within bounds, or throws a UsageError naming the flag. */
export function intFlag(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(
      `--${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** Server settings derived from the flags. */
export interface ServerSettings {
  /** `--host`: the address to bind. */
  hostname: string;
  /** `--port`: 0 asks for a free one. */
  port: number;
  /** `--workers`: the size of the worker pool. */
  workers: number;
  /** `--token` or `$FACEREC_TOKEN`: the shared token requests must carry, if any. */
  token: string | undefined;
  /** `--tokens FILE`: keys with roles, read and checked at start; empty without the flag. */
  keys: RoleToken[];
  /** `--tls-cert` and `--tls-key`, when both are given. */
  tls: TlsFiles | undefined;
  /** `--log-level`. */
  logLevel: LogLevel;
  /** Frame size and timeouts from `--max-frame-mb`, `--idle-timeout` and `--read-timeout`. */
  limits: ServiceLimits;
}

/** Parses argv for a server with extra flags of its own. */
export function parseServerArgs<
  E extends Record<string, { type: "string" | "boolean"; default?: string | boolean }>,
>(
  args: string[],
  extra: E,
  defaultPort: number,
) {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...SERVER_FLAGS, ...extra },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const str = (k: string) => v[k] as string | undefined;
  const level = str("log-level") ?? "info";
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new UsageError(
      `--log-level: expected one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(level)}`,
    );
  }
  const certFile = str("tls-cert");
  const keyFile = str("tls-key");
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new UsageError("--tls-cert and --tls-key must be given together");
  }
  const settings: ServerSettings = {
    hostname: str("host") ?? "127.0.0.1",
    port: intFlag("port", str("port"), defaultPort, 0, 65535),
    workers: intFlag("workers", str("workers"), navigator.hardwareConcurrency || 1, 1, 64),
    token: str("token") ?? (Deno.env.get("FACEREC_TOKEN") || undefined),
    keys: readTokens(str("tokens")),
    tls: certFile && keyFile
      ? { cert: Deno.readTextFileSync(certFile), key: Deno.readTextFileSync(keyFile) }
      : undefined,
    logLevel: level as LogLevel,
    limits: {
      ...DEFAULT_LIMITS,
      maxFrameBytes: intFlag(
        "max-frame-mb",
        str("max-frame-mb"),
        DEFAULT_LIMITS.maxFrameBytes / 2 ** 20,
        1,
        1024,
      ) * 2 ** 20,
      idleTimeoutMs: intFlag(
        "idle-timeout",
        str("idle-timeout"),
        DEFAULT_LIMITS.idleTimeoutMs / 1000,
        1,
        86400,
      ) * 1000,
      frameTimeoutMs: intFlag(
        "read-timeout",
        str("read-timeout"),
        DEFAULT_LIMITS.frameTimeoutMs / 1000,
        1,
        86400,
      ) * 1000,
      upstreamTimeoutMs: intFlag(
        "upstream-timeout",
        str("upstream-timeout"),
        DEFAULT_LIMITS.upstreamTimeoutMs / 1000,
        1,
        86400,
      ) * 1000,
      queryTimeoutMs: intFlag(
        "query-timeout",
        str("query-timeout"),
        DEFAULT_LIMITS.queryTimeoutMs / 1000,
        1,
        86400,
      ) * 1000,
    },
  };
  return { settings, values: v, help: v.help === true };
}

/** The keys of a `--tokens` file; a file that cannot be read or parsed is a usage error. */
function readTokens(path: string | undefined): RoleToken[] {
  if (path === undefined) return [];
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (error) {
    throw new UsageError(`--tokens: cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return parseTokens(text, path);
  } catch (error) {
    throw new UsageError(`--tokens: ${(error as Error).message}`, { cause: error });
  }
}
