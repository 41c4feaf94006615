/**
 * facerec detector: finds faces in users' images and forwards them to the recognizer.
 * Usage: deno task detector [--port 7001] [--recognizer HOST:PORT] [flags]
 * @module
 */
import {
  FORWARD_FLAGS,
  FORWARD_FLAGS_HELP,
  parseServerArgs,
  SERVER_FLAGS_HELP,
} from "./lib/cli/server_flags.ts";
import {
  DETECTION_FLAGS,
  DETECTION_FLAGS_HELP,
  detectionConfig,
} from "./lib/cli/detection_flags.ts";
import { runServer } from "./lib/cli/run_server.ts";
import { EXIT_USAGE, UsageError } from "./lib/core/usage_error.ts";
import { DetectorService } from "./lib/service/detector_service.ts";
import { createLogger } from "./lib/service/log.ts";
import { ROLE_OPS } from "./lib/service/roles.ts";
import { parseEndpoint } from "./lib/transport/mod.ts";

const HELP = `Usage: detector [--port 7001] [--recognizer HOST:PORT] [options]
  --recognizer H:P     where the recognizer listens (default 127.0.0.1:7002)
  --recognizer-tls     connect to the recognizer over TLS
  --ca FILE            trust this PEM CA for the recognizer's certificate (implies TLS)
${DETECTION_FLAGS_HELP}
${FORWARD_FLAGS_HELP}
${SERVER_FLAGS_HELP}
Keys (--token / $FACEREC_TOKEN, --tokens FILE) are required from clients; each client's
token is sent on to the recognizer, which checks it again.`;

try {
  const { settings, values, help } = parseServerArgs(Deno.args, {
    recognizer: { type: "string", default: "127.0.0.1:7002" },
    "recognizer-tls": { type: "boolean", default: false },
    ca: { type: "string" },
    ...DETECTION_FLAGS,
    ...FORWARD_FLAGS,
  }, 7001);
  if (help) {
    console.log(HELP);
    Deno.exit(0);
  }
  let recognizer;
  try {
    recognizer = parseEndpoint(values.recognizer as string);
  } catch (error) {
    throw new UsageError(`--recognizer: ${(error as Error).message}`);
  }
  const ca = values.ca as string | undefined;
  if (ca !== undefined || values["recognizer-tls"]) {
    recognizer.tls = { caCerts: ca === undefined ? undefined : [Deno.readTextFileSync(ca)] };
  }
  const log = createLogger("detector", settings.logLevel);
  const service = await DetectorService.start({
    recognizer,
    // For requests of its own (the start-up stats probe) and clients that send no token.
    recognizerToken: settings.token ??
      settings.keys.find((key) => ROLE_OPS[key.role].includes("stats"))?.token,
    workers: settings.workers,
    detection: detectionConfig(values),
    limits: settings.limits,
    log,
  });
  await runServer("detector", settings, service, log);
  // Drained and closed: exit now rather than wait for stray timers of closed sockets.
  Deno.exit(0);
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`detector: ${error.message}\n(run "detector --help" for the flags)`);
    Deno.exit(EXIT_USAGE);
  }
  console.error(`detector: ${error instanceof Error ? error.message : error}`);
  Deno.exit(1);
}
