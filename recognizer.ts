/**
 * facerec recognizer: stores enrolled faces and answers identify requests.
 * Usage: deno task recognizer [--port 7002] [--data DIR | --gallery postgres://...] [flags]
 * @module
 */
import { parseServerArgs, SERVER_FLAGS_HELP } from "./lib/cli/server_flags.ts";
import { runServer } from "./lib/cli/run_server.ts";
import { EXIT_USAGE, UsageError } from "./lib/core/usage_error.ts";
import { galleryFlags } from "./lib/cli/gallery_flags.ts";
import { createLogger } from "./lib/service/log.ts";
import { RecognizerService } from "./lib/service/recognizer_service.ts";

const HELP = `Usage: recognizer [--port 7002] [--data DIR | --gallery URL] [options]
  --data DIR           gallery directory, SQLite (default ./facerec-data)
  --gallery URL        a PostgreSQL gallery several recognizers share instead:
                       postgres://USER[:PASS]@HOST:PORT/DB
  --gallery-wait S     keep trying to reach that database at start for S seconds
                       (default 30)
${SERVER_FLAGS_HELP}`;

try {
  const { settings, values, help } = parseServerArgs(Deno.args, {
    data: { type: "string" },
    gallery: { type: "string" },
    "gallery-wait": { type: "string" },
  }, 7002);
  if (help) {
    console.log(HELP);
    Deno.exit(0);
  }
  const log = createLogger("recognizer", settings.logLevel);
  const service = await RecognizerService.start({
    ...galleryFlags(values),
    workers: settings.workers,
    limits: settings.limits,
    log,
  });
  await runServer("recognizer", settings, service, log);
  // Drained and closed: exit now rather than wait for stray timers of closed sockets.
  Deno.exit(0);
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`recognizer: ${error.message}\n(run "recognizer --help" for the flags)`);
    Deno.exit(EXIT_USAGE);
  }
  console.error(`recognizer: ${error instanceof Error ? error.message : error}`);
  Deno.exit(1);
}
