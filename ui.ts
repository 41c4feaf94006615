/**
 * facerec web page. Usage: deno task ui [--host 127.0.0.1] [--port 7080]
 * [--detector HOST:PORT] [--token SECRET]; --help for the rest.
 * @module
 */
import { runUi } from "./lib/ui/run_ui.ts";

Deno.exit(await runUi(Deno.args));
