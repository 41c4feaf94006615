import { runClient } from "../../lib/client/client.ts";

/** Runs the real client in-process with --json and returns its exit code and output. */
export async function client(detector: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runClient(["--detector", detector, "--json", ...args], {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  const text = out.join("\n");
  // deno-lint-ignore no-explicit-any
  const json: any = text.startsWith("{") ? JSON.parse(text) : undefined;
  return { code, json, stderr: err.join("\n") };
}

export const DATASETS = new URL("../../../shared/datasets/", import.meta.url).pathname;
export const orl = (person: number, image: number) => `${DATASETS}orl/s${person}/${image}.pgm`;
