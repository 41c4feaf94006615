/**
 * facerec client. Usage: deno task client [--detector HOST:PORT] [--json] <command> ...
 * Run with --help for the commands.
 * @module
 */
import { runClient } from "./lib/client/client.ts";

Deno.exit(await runClient(Deno.args));
