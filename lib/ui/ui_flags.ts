/**
 * The web page's command line: where to listen, and which detector to talk to.
 * @module
 */
import { parseArgs } from "node:util";
import { UsageError } from "../core/usage_error.ts";
import { type Endpoint, parseEndpoint } from "../transport/mod.ts";

/** What `deno task ui --help` prints. */
export const UI_HELP =
  `Usage: deno task ui [--host 127.0.0.1] [--port 7080] [--detector HOST:PORT] [--token SECRET]
Serves the facerec web page (People, Identify, Verify, Status) on http://HOST:PORT/.
  --host HOST          address to bind (default 127.0.0.1: this machine only)
  --port PORT          port to listen on (default 7080; 0 picks a free one)
  --detector HOST:PORT the detector (default $FACEREC_DETECTOR or 127.0.0.1:7001)
  --token SECRET       shared token sent to the detector (default $FACEREC_TOKEN); the page
                       never sees it
  --max-upload-mb N    largest upload accepted, in MiB (default 32)
  --timeout S          a call to the detector may take S seconds (default 120)
  -h, --help           show this help`;

const FLAGS = {
  host: { type: "string", default: "127.0.0.1" },
  port: { type: "string", default: "7080" },
  detector: { type: "string" },
  token: { type: "string" },
  "max-upload-mb": { type: "string", default: "32" },
  timeout: { type: "string", default: "120" },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The settings the web page's server runs with. */
export interface UiSettings {
  /** `--host`: the address to bind. */
  hostname: string;
  /** `--port`: 0 asks for a free one. */
  port: number;
  /** `--detector`: where the detector listens. */
  detector: Endpoint;
  /** `--token` or `$FACEREC_TOKEN`: sent to the detector, never to the page. */
  token: string | undefined;
  /** `--max-upload-mb`: the largest request body accepted, in bytes. */
  maxUploadBytes: number;
  /** `--timeout`: how long one call to the detector may take, in milliseconds. */
  timeoutMs: number;
}

/**
 * The settings of the web page's command line, or `"help"` for `--help`.
 *
 * @throws {UsageError} for an unknown flag or a value out of range.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseUiFlags } from "./ui_flags.ts";
 * const settings = parseUiFlags(["--port", "0"], { get: () => undefined });
 * assert.ok(settings !== "help");
 * assert.equal(settings.hostname, "127.0.0.1");
 * assert.equal(settings.detector.port, 7001);
 * ```
 */
export function parseUiFlags(
  args: string[],
  env: Pick<typeof Deno.env, "get"> = Deno.env,
): UiSettings | "help" {
  let values;
  try {
    ({ values } = parseArgs({ args, strict: true, allowPositionals: false, options: FLAGS }));
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
  if (values.help) return "help";
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new UsageError(`--port: expected an integer from 0 to 65535, got ${values.port}`);
  }
  let detector: Endpoint;
  const where = values.detector ?? env.get("FACEREC_DETECTOR") ?? "127.0.0.1:7001";
  try {
    detector = parseEndpoint(where);
  } catch (error) {
    throw new UsageError(`--detector: ${(error as Error).message}`, { cause: error });
  }
  const mb = Number(values["max-upload-mb"]);
  if (!Number.isFinite(mb) || mb <= 0 || mb > 1024) {
    throw new UsageError(
      `--max-upload-mb: expected a number above 0 and at most 1024, got ${values["max-upload-mb"]}`,
    );
  }
  const seconds = Number(values.timeout);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--timeout: expected a positive number of seconds, got ${values.timeout}`);
  }
  return {
    hostname: values.host,
    port,
    detector,
    token: values.token ?? (env.get("FACEREC_TOKEN") || undefined),
    maxUploadBytes: Math.floor(mb * 2 ** 20),
    timeoutMs: seconds * 1000,
  };
}
