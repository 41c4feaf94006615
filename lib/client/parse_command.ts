/**
 * The client's command line, turned into settings and one command, with every usage error
 * found before anything is sent.
 * @module
 */
import { parseArgs } from "node:util";
import { type Algorithm, ALGORITHMS, DEFAULT_ALGORITHM, isAlgorithm } from "../core/algorithms.ts";
import { UsageError } from "../core/usage_error.ts";
import { type Endpoint, parseEndpoint } from "../transport/mod.ts";
import type { ClientSettings } from "./context.ts";
import { fileError } from "./errors.ts";

/** The client's flags, for `parseArgs`. */
const FLAGS = {
  detector: { type: "string" },
  token: { type: "string" },
  tls: { type: "boolean", default: false },
  ca: { type: "string" },
  timeout: { type: "string", default: "120" },
  json: { type: "boolean", default: false },
  algorithm: { type: "string", default: DEFAULT_ALGORITHM },
  largest: { type: "boolean", default: false },
  wait: { type: "boolean", default: false },
  threshold: { type: "string" },
  annotate: { type: "string" },
  name: { type: "string" },
  face: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

const parse = (args: string[]) =>
  parseArgs({ args, allowPositionals: true, strict: true, options: FLAGS });

/** The parsed flags and positionals. */
export type Flags = ReturnType<typeof parse>;

/** One command and its arguments. */
export type Command =
  | { name: "enroll"; person: string; inputs: string[]; largest: boolean; wait: boolean }
  | {
    name: "identify";
    path: string;
    algorithm: Algorithm;
    threshold: number | undefined;
    /** Where to write the annotated copy; its folder exists. */
    annotate: string | undefined;
  }
  | { name: "list" }
  | { name: "forget"; person: string }
  | { name: "stats" }
  | {
    name: "verify";
    /** One photo with `person`, else two. */
    paths: string[];
    /** `--name`: compare with this enrolled person. */
    person: string | undefined;
    algorithm: Algorithm;
    threshold: number | undefined;
  }
  | { name: "rename"; person: string; newName: string }
  | { name: "faces"; person: string }
  | { name: "forgetFace"; person: string; faceId: number }
  | { name: "export"; person: string; dir: string };

/** What the client was asked to do. */
export interface Invocation {
  settings: ClientSettings;
  command: Command;
}

/**
 * Parses `args` against the client's flags.
 *
 * @throws {UsageError} on an unknown flag or a flag without its value.
 */
export function readFlags(args: string[]): Flags {
  try {
    return parse(args);
  } catch (error) {
    throw new UsageError(explainFlags(args) ?? (error as Error).message, { cause: error });
  }
}

/**
 * Our own words for what `parseArgs` refuses (its messages speak of positionals and `--`):
 * the first unknown option, or option without its value. Undefined when neither is found.
 */
function explainFlags(args: string[]): string | undefined {
  const { tokens } = parseArgs({
    args,
    allowPositionals: true,
    strict: false,
    tokens: true,
    options: FLAGS,
  });
  const known = Object.keys(FLAGS).map((name) => `--${name}`).join(", ");
  for (const token of tokens) {
    if (token.kind !== "option") continue;
    const spec = (FLAGS as Record<string, { type: string }>)[token.name];
    if (!spec) return `unknown option ${token.rawName}; the options are ${known}`;
    if (spec.type !== "string") continue;
    if (token.value === undefined) return `${token.rawName} expects a value`;
    // Without strict, "--threshold -1" takes "-1" as the value; with it, parseArgs refuses.
    if (!token.inlineValue && token.value.startsWith("-")) {
      return `${token.rawName} expects a value, got the option-like "${token.value}"; if ` +
        `that is the value, write ${token.rawName}=${token.value}`;
    }
  }
  return undefined;
}

/**
 * The settings and command of parsed flags. Reads the `--ca` file, and checks that the
 * `--annotate` folder exists, so that a typo costs no request.
 *
 * @throws {UsageError} for a command line the client cannot act on.
 * @throws {Error} when the `--ca` file cannot be read.
 */
export async function parseCommand(
  flags: Flags,
  env: Pick<typeof Deno.env, "get"> = Deno.env,
): Promise<Invocation> {
  const { values, positionals } = flags;
  let endpoint: Endpoint;
  try {
    endpoint = parseEndpoint(values.detector ?? env.get("FACEREC_DETECTOR") ?? "127.0.0.1:7001");
  } catch (error) {
    throw new UsageError(`--detector: ${(error as Error).message}`, { cause: error });
  }
  if (values.tls || values.ca !== undefined) {
    let ca: string | undefined;
    if (values.ca !== undefined) {
      try {
        ca = await Deno.readTextFile(values.ca);
      } catch (error) {
        throw new Error(fileError(values.ca, error), { cause: error });
      }
    }
    endpoint.tls = { caCerts: ca === undefined ? undefined : [ca] };
  }
  const timeout = Number(values.timeout);
  if (!(timeout > 0)) {
    throw new UsageError(`--timeout: expected seconds > 0, got ${values.timeout}`);
  }
  const settings: ClientSettings = {
    endpoint,
    token: values.token ?? (env.get("FACEREC_TOKEN") || undefined),
    json: values.json,
    timeoutMs: timeout * 1000,
  };
  return { settings, command: await command(flags, positionals) };
}

async function command({ values }: Flags, positionals: string[]): Promise<Command> {
  const [name, ...rest] = positionals;
  const need = (n: number, what: string) => {
    if (rest.length < n) throw new UsageError(`${name}: expected ${what}`);
  };
  const exactly = (n: number, what: string) => {
    if (rest.length !== n) {
      throw new UsageError(`${name}: expected ${what}, got ${rest.length} arguments`);
    }
  };
  switch (name) {
    case "enroll":
      if (values.name !== undefined) {
        throw new UsageError(
          `enroll: the name is the first argument (enroll NAME IMAGE...), not --name ` +
            `(which is verify's)`,
        );
      }
      need(2, "NAME and at least one IMAGE or DIR");
      return {
        name,
        person: rest[0]!,
        inputs: rest.slice(1),
        largest: values.largest,
        wait: values.wait,
      };
    case "identify":
      exactly(1, "exactly one IMAGE");
      return {
        name,
        path: rest[0]!,
        algorithm: algorithm(values.algorithm),
        threshold: threshold(values.threshold),
        annotate: await annotatePath(values.annotate),
      };
    case "verify":
      if (values.name === undefined) exactly(2, "two IMAGEs, or one IMAGE and --name NAME");
      else exactly(1, "exactly one IMAGE with --name");
      return {
        name,
        paths: rest,
        person: values.name,
        algorithm: algorithm(values.algorithm),
        threshold: threshold(values.threshold),
      };
    case "list":
      exactly(0, "no arguments");
      return { name };
    case "forget":
      exactly(1, "exactly one NAME");
      return values.face === undefined
        ? { name, person: rest[0]! }
        : { name: "forgetFace", person: rest[0]!, faceId: faceId(values.face) };
    case "rename":
      exactly(2, "OLD and NEW names");
      if (rest[1]!.trim() === "") throw new UsageError("rename: the new name is empty");
      return { name, person: rest[0]!, newName: rest[1]! };
    case "faces":
      exactly(1, "exactly one NAME");
      return { name, person: rest[0]! };
    case "export":
      exactly(2, "NAME and DIR");
      return { name, person: rest[0]!, dir: rest[1]! };
    case "stats":
      exactly(0, "no arguments");
      return { name };
    case undefined:
      throw new UsageError("expected a command");
    default:
      throw new UsageError(`unknown command ${JSON.stringify(name)}`);
  }
}

function algorithm(text: string): Algorithm {
  if (!isAlgorithm(text)) {
    throw new UsageError(`--algorithm: expected one of ${ALGORITHMS.join(", ")}, got ${text}`);
  }
  return text;
}

/** `--face ID`: a face id as `faces NAME` lists them. */
function faceId(text: string): number {
  const id = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(id) || id < 1 || id > 0xffffffff) {
    throw new UsageError(`--face: expected a face id (a whole number from 1), got ${text}`);
  }
  return id;
}

function threshold(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) {
    throw new UsageError(`--threshold: expected a number >= 0, got ${text}`);
  }
  return value;
}

/** `--annotate`'s path, once its extension is one we write and its folder exists. */
async function annotatePath(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  if (!/\.(png|jpe?g)$/i.test(path)) {
    throw new UsageError(`--annotate: expected a .png or .jpg path, got ${path}`);
  }
  const folder = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) || "/" : ".";
  let isDir = false;
  try {
    isDir = (await Deno.stat(folder)).isDirectory;
  } catch {
    // reported below
  }
  if (!isDir) throw new UsageError(`--annotate: folder ${folder} does not exist`);
  return path;
}
