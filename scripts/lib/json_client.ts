/**
 * Runs the real command-line client in-process with `--json`, capturing what it prints:
 * the demo and the end-to-end tests drive the system exactly as a user's shell would.
 * @module
 */
import { runClient } from "../../lib/client/client.ts";

/** What one client command returned. */
export interface ClientRun {
  code: number;
  // deno-lint-ignore no-explicit-any
  json: any;
  stderr: string;
}

/** `client --detector DETECTOR --json ARGS...`: its exit code, parsed stdout and stderr. */
export async function jsonClient(detector: string, ...args: string[]): Promise<ClientRun> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runClient(["--detector", detector, "--json", ...args], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  const text = out.join("\n");
  return {
    code,
    json: text.startsWith("{") ? JSON.parse(text) : undefined,
    stderr: err.join("\n"),
  };
}
