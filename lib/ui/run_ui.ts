/**
 * `deno task ui`: parses the flags, starts the page's server, prints where it is, and
 * stops on SIGINT or SIGTERM.
 * @module
 */
import { EXIT_USAGE, UsageError } from "../core/usage_error.ts";
import { parseUiFlags, UI_HELP } from "./ui_flags.ts";
import { startUiServer } from "./ui_server.ts";

/** Runs the UI with `args` until a signal; returns the exit status. */
export async function runUi(args: string[]): Promise<number> {
  let settings;
  try {
    settings = parseUiFlags(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`ui: ${error.message}\n(run "deno task ui --help" for the flags)`);
    return EXIT_USAGE;
  }
  if (settings === "help") {
    console.log(UI_HELP);
    return 0;
  }
  let server;
  try {
    server = await startUiServer(settings);
  } catch (error) {
    if (error instanceof Deno.errors.AddrInUse) {
      console.error(`ui: port ${settings.port} is already in use (choose another with --port)`);
      return 1;
    }
    throw error;
  }
  console.log(
    `ui listening on ${
      server.url.slice(7, -1)
    }: open ${server.url} (detector ${settings.detector.hostname}:${settings.detector.port})`,
  );
  const stopped = Promise.withResolvers<void>();
  const stop = () => stopped.resolve();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await stopped.promise;
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
  await server.shutdown();
  return 0;
}
