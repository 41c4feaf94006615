/**
 * The facerec command-line client: parses a command, talks to the detector, prints the
 * outcome as text or JSON (schema in the README), and returns the exit status.
 * @module
 */
import { parseArgs } from "node:util";
import { EXIT_USAGE, UsageError } from "../cli/usage_error.ts";
import { type Algorithm, ALGORITHMS, DEFAULT_ALGORITHM, isAlgorithm } from "../core/algorithms.ts";
import {
  type EnrollResponse,
  type ErrorResponse,
  type IdentifyResponse,
  type ImageReport,
  type Request,
  type Response,
} from "../protocol/messages.ts";
import { knownDistance } from "../protocol/distance.ts";
import { ServiceError } from "../service/errors.ts";
import { DEFAULT_LIMITS } from "../service/limits.ts";
import { callService, type Endpoint, parseEndpoint } from "../service/upstream.ts";
import { annotateFile } from "./annotate_file.ts";
import { collectImages } from "./collect_images.ts";
import { ProgressBar } from "./progress.ts";

/** Exit statuses. */
export const EXIT = {
  ok: 0,
  error: 1,
  noFace: 2,
  nobodyRecognized: 3,
  usage: EXIT_USAGE,
  interrupted: 130,
} as const;

/** Where the client writes; tests pass their own. */
export interface ClientIO {
  out(line: string): void;
  err(line: string): void;
  /** Where Ctrl-C is heard (default: the process's SIGINT). */
  signals?: SignalHooks;
}

const HELP = `Usage: client [--detector HOST:PORT] [--json] <command>
Commands:
  enroll NAME IMAGE|DIR... [--largest] [--wait]
                                store a person's faces (directories are walked); each
                                image must show one face, or with --largest the largest
                                face is taken and the others ignored. The reply comes once
                                the faces are stored and in dnn and lbph; eigen and fisher
                                retrain in the background, unless --wait waits for them.
                                A face already stored for the person is a "duplicate", so
                                running an interrupted enroll again is safe.
  identify IMAGE [--algorithm dnn|eigen|fisher|lbph] [--threshold X] [--annotate OUT.png|.jpg]
                                name every face; --algorithm defaults to dnn, the one that
                                recognizes people on ordinary photos. eigen, fisher and
                                lbph (OpenCV's classics) work on tightly framed, evenly lit
                                faces like ORL's, but cannot tell strangers from enrolled
                                people on ordinary photos (docs/RECOGNITION.md)
  list                          people and their face counts
  forget NAME                   remove a person entirely
  stats                         version, counts and model states
Options:
  --detector HOST:PORT   the detector (default $FACEREC_DETECTOR or 127.0.0.1:7001)
  --token SECRET         shared token (default $FACEREC_TOKEN)
  --tls                  connect with TLS;  --ca FILE  trust this PEM CA (implies --tls)
  --timeout S            give up after S seconds (default 120)
  --json                 machine-readable output
Exit status: 0 ok (identify: someone recognized), 2 no face found, 3 faces but nobody
recognized, 1 error, 64 usage error.`;

/** Images per enroll request, and bytes per request, so huge folders stream in batches. */
const BATCH_IMAGES = 16;
const BATCH_BYTES = 32 * 2 ** 20;

interface Context {
  endpoint: Endpoint;
  token: string | undefined;
  json: boolean;
  timeoutMs: number;
  io: ClientIO;
}

/** Runs the client with `args`; returns the exit status. */
export async function runClient(args: string[], io: ClientIO = defaultIO): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
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
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    return usage(io, args.includes("--json"), (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.out(HELP);
    return EXIT.ok;
  }
  let ctx: Context;
  let command: () => Promise<number>;
  try {
    let endpoint: Endpoint;
    try {
      endpoint = parseEndpoint(
        values.detector ?? Deno.env.get("FACEREC_DETECTOR") ?? "127.0.0.1:7001",
      );
    } catch (error) {
      throw new UsageError(`--detector: ${(error as Error).message}`);
    }
    if (values.tls || values.ca !== undefined) {
      let ca: string | undefined;
      if (values.ca !== undefined) {
        try {
          ca = await Deno.readTextFile(values.ca);
        } catch (error) {
          throw new Error(fileError(values.ca, error));
        }
      }
      endpoint.tls = { caCerts: ca === undefined ? undefined : [ca] };
    }
    const timeout = Number(values.timeout);
    if (!(timeout > 0)) {
      throw new UsageError(`--timeout: expected seconds > 0, got ${values.timeout}`);
    }
    ctx = {
      endpoint,
      token: values.token ?? (Deno.env.get("FACEREC_TOKEN") || undefined),
      json: values.json,
      timeoutMs: timeout * 1000,
      io,
    };
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
        need(2, "NAME and at least one IMAGE or DIR");
        command = () =>
          enroll(ctx, rest[0]!, rest.slice(1), { largest: values.largest, wait: values.wait });
        break;
      case "identify": {
        exactly(1, "exactly one IMAGE");
        const algorithm = values.algorithm;
        if (!isAlgorithm(algorithm)) {
          throw new UsageError(
            `--algorithm: expected one of ${ALGORITHMS.join(", ")}, got ${values.algorithm}`,
          );
        }
        let threshold: number | undefined;
        if (values.threshold !== undefined) {
          threshold = Number(values.threshold);
          if (!Number.isFinite(threshold) || threshold < 0) {
            throw new UsageError(`--threshold: expected a number >= 0, got ${values.threshold}`);
          }
        }
        const annotate = values.annotate;
        if (annotate !== undefined) {
          if (!/\.(png|jpe?g)$/i.test(annotate)) {
            throw new UsageError(`--annotate: expected a .png or .jpg path, got ${annotate}`);
          }
          // Checked before any work: a typo in the folder should not cost an identify.
          const folder = annotate.includes("/")
            ? annotate.slice(0, annotate.lastIndexOf("/")) || "/"
            : ".";
          let isDir = false;
          try {
            isDir = (await Deno.stat(folder)).isDirectory;
          } catch {
            // reported below
          }
          if (!isDir) {
            throw new UsageError(`--annotate: folder ${folder} does not exist`);
          }
        }
        command = () => identify(ctx, rest[0]!, algorithm, threshold, annotate);
        break;
      }
      case "list":
        exactly(0, "no arguments");
        command = () => simple(ctx, { op: "list" });
        break;
      case "forget":
        exactly(1, "exactly one NAME");
        command = () => simple(ctx, { op: "forget", name: rest[0]! });
        break;
      case "stats":
        exactly(0, "no arguments");
        command = () => simple(ctx, { op: "stats" });
        break;
      case undefined:
        throw new UsageError("expected a command");
      default:
        throw new UsageError(`unknown command ${JSON.stringify(name)}`);
    }
  } catch (error) {
    if (error instanceof UsageError) return usage(io, values.json, error.message);
    const message = (error as Error).message;
    if (values.json) io.out(JSON.stringify({ error: { status: "client", message } }));
    else io.err(`client: ${message}`);
    return EXIT.error;
  }
  try {
    return await command();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // A refusal raised on our side of the wire (e.g. the detector is unreachable) keeps its
    // protocol status; anything else failed in the client itself.
    const status = error instanceof ServiceError ? error.status : "client";
    if (ctx.json) io.out(JSON.stringify({ error: { status, message } }));
    else io.err(`client: ${message}`);
    return EXIT.error;
  }
}

/** A usage error: one line and a hint, or the JSON error object with `--json`. */
function usage(io: ClientIO, json: boolean, message: string): number {
  if (json) io.out(JSON.stringify({ error: { status: "usage", message } }));
  else io.err(`client: ${message}\n(run "client --help" for the commands and options)`);
  return EXIT.usage;
}

const defaultIO: ClientIO = { out: (l) => console.log(l), err: (l) => console.error(l) };

function call(ctx: Context, request: Request): Promise<Response> {
  return callService(ctx.endpoint, { ...request, token: ctx.token }, {
    timeoutMs: ctx.timeoutMs,
    maxFrameBytes: DEFAULT_LIMITS.maxFrameBytes,
    peerName: "detector",
  });
}

function failed(ctx: Context, reply: ErrorResponse): number {
  if (ctx.json) {
    ctx.io.out(JSON.stringify({ error: { status: reply.status, message: reply.message } }));
  } else ctx.io.err(`error (${reply.status}): ${reply.message}`);
  return EXIT.error;
}

/** Distances of every scale readable: dnn's are below 2, LBPH's in the tens, Eigen's thousands. */
function formatDistance(d: number): string {
  return d < 10 ? d.toFixed(3) : d.toFixed(1);
}

/** An absent distance (or the wire's "none") is null in JSON. */
function finite(n: number | undefined): number | null {
  return knownDistance(n) ?? null;
}

async function simple(ctx: Context, request: Request): Promise<number> {
  const reply = await call(ctx, request);
  if (reply.status !== "ok") return failed(ctx, reply as ErrorResponse);
  const { io } = ctx;
  switch (reply.op) {
    case "list":
      if (ctx.json) io.out(JSON.stringify({ people: reply.people }));
      else if (reply.people.length === 0) io.out("nobody is enrolled");
      else for (const p of reply.people) io.out(`${p.name}\t${p.faces} face(s)`);
      break;
    case "forget":
      if (ctx.json) {
        io.out(
          JSON.stringify({
            name: reply.name,
            removed_faces: reply.removedFaces,
            models: reply.models,
          }),
        );
      } else io.out(`forgot ${reply.name}: ${reply.removedFaces} face(s) removed`);
      break;
    case "stats":
      if (ctx.json) {
        io.out(JSON.stringify({
          version: reply.version,
          people: reply.people,
          faces: reply.faces,
          models: reply.models,
        }));
      } else {
        io.out(`facerec ${reply.version}: ${reply.people} people, ${reply.faces} faces`);
        for (const m of reply.models) {
          io.out(
            `  ${m.algorithm.padEnd(7)} ${m.state.padEnd(11)} ${m.faces} faces${
              m.threshold === undefined ? "" : `, threshold ${formatDistance(m.threshold)}`
            }${m.message ? `  (${m.message})` : ""}`,
          );
        }
      }
      break;
    default:
      throw new Error(`unexpected ${reply.op} reply`);
  }
  return EXIT.ok;
}

const OUTCOME_TEXT: Record<ImageReport["outcome"], string> = {
  stored: "stored",
  no_face: "no face",
  several_faces: "several faces",
  unreadable: "unreadable",
  duplicate: "duplicate",
};

async function enroll(
  ctx: Context,
  name: string,
  inputs: string[],
  flags: { largest: boolean; wait: boolean },
): Promise<number> {
  let paths: string[];
  try {
    paths = await collectImages(inputs);
  } catch (error) {
    const path = (error as { path?: string }).path ?? inputs.join(" ");
    throw new Error(fileError(path, error));
  }
  if (paths.length === 0) throw new Error(`no image files found in ${inputs.join(" ")}`);
  const progress = new ProgressBar(
    paths.length,
    `enrolling ${name}`,
    !ctx.json && paths.length >= 10 && Deno.stderr.isTerminal(),
  );
  const results: {
    path: string;
    outcome: ImageReport["outcome"];
    faces: number;
    ignored?: number;
    message?: string;
  }[] = [];
  let last: EnrollResponse | undefined;
  let batch: { path: string; data: Uint8Array }[] = [];
  let batchBytes = 0;
  // Ctrl-C: stop sending, report what the recognizer acknowledged, exit 130. A batch in
  // flight may or may not have been stored; enrolling again finishes the job, because the
  // faces already stored come back as duplicates.
  let onInterrupt = () => {};
  const interrupted = new Promise<"interrupted">((resolve) => {
    onInterrupt = () => resolve("interrupted");
  });
  const listen = ctx.io.signals ?? defaultSignals;
  listen.add(onInterrupt);
  let inFlight: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const sent = batch;
    batch = [];
    batchBytes = 0;
    inFlight = sent.map((b) => b.path);
    const reply = await Promise.race([
      call(ctx, {
        op: "enroll",
        name,
        ...(flags.largest ? { largest: true } : {}),
        ...(flags.wait ? { wait: true } : {}),
        images: sent.map((b) => ({ filename: b.path.split("/").pop(), data: b.data })),
      }),
      interrupted,
    ]);
    if (reply === "interrupted") throw new Interrupted();
    inFlight = [];
    if (reply.status !== "ok") throw new EnrollFailed(reply as ErrorResponse);
    const ok = reply as EnrollResponse;
    if (ok.stored > 0 || !last) last = ok;
    for (const report of ok.images) {
      results.push({
        path: sent[report.index]?.path ?? `#${report.index}`,
        outcome: report.outcome,
        faces: report.faces,
        // With --largest, the faces of the image that were not taken.
        ...(report.outcome === "stored" && report.faces > 1 ? { ignored: report.faces - 1 } : {}),
        ...(report.message ? { message: report.message } : {}),
      });
    }
    progress.advance(sent.length);
  };
  let stopped = false;
  try {
    for (const path of paths) {
      let data: Uint8Array;
      try {
        data = await Deno.readFile(path);
      } catch (error) {
        results.push({ path, outcome: "unreadable", faces: 0, message: fileError(path, error) });
        progress.advance();
        continue;
      }
      if (batchBytes + data.length > BATCH_BYTES || batch.length >= BATCH_IMAGES) await flush();
      batch.push({ path, data });
      batchBytes += data.length;
    }
    await flush();
  } catch (error) {
    progress.finish();
    if (error instanceof EnrollFailed) {
      for (const r of results) ctx.io.err(`${OUTCOME_TEXT[r.outcome]}\t${r.path}`);
      return failed(ctx, error.reply);
    }
    if (!(error instanceof Interrupted)) throw error;
    stopped = true;
  } finally {
    listen.remove(onInterrupt);
  }
  progress.finish();
  const stored = results.filter((r) => r.outcome === "stored").length;
  const done = new Set([...results.map((r) => r.path), ...inFlight]);
  const notSent = stopped ? paths.filter((p) => !done.has(p)) : [];
  const training = (last?.models ?? []).filter((m) => m.state === "training").map((m) =>
    m.algorithm
  );
  if (ctx.json) {
    ctx.io.out(JSON.stringify({
      name: last?.name ?? name,
      stored,
      person_faces: last?.personFaces ?? 0,
      images: results,
      models: last?.models ?? [],
      ...(stopped ? { interrupted: true, in_flight: inFlight, not_sent: notSent } : {}),
    }));
  } else {
    for (const r of results) {
      ctx.io.out(
        `${OUTCOME_TEXT[r.outcome].padEnd(13)} ${r.path}${r.message ? `  (${r.message})` : ""}`,
      );
    }
    ctx.io.out(
      `${stored} of ${results.length} image(s) stored for ${last?.name ?? name}` +
        (last && stored > 0 ? `; ${last.personFaces} face(s) on file` : ""),
    );
    if (training.length > 0) {
      ctx.io.out(
        `${training.join(" and ")} ${
          training.length === 1 ? "is" : "are"
        } retraining in the background (enroll --wait waits for them)`,
      );
    }
    if (stopped) {
      ctx.io.out(
        `interrupted: ${inFlight.length} image(s) were being sent and may or may not be ` +
          `stored, ${notSent.length} were not sent; run the same enroll again to finish ` +
          `(faces already stored are reported as duplicates)`,
      );
    }
  }
  if (stopped) return EXIT.interrupted;
  if (stored > 0) return EXIT.ok;
  return results.every((r) => r.outcome === "no_face") ? EXIT.noFace : EXIT.error;
}

class Interrupted extends Error {
  override name = "Interrupted";
}

/** Registers and removes an interrupt (Ctrl-C) handler. */
export interface SignalHooks {
  add(handler: () => void): void;
  remove(handler: () => void): void;
}

const defaultSignals: SignalHooks = {
  add: (h) => Deno.addSignalListener("SIGINT", h),
  remove: (h) => Deno.removeSignalListener("SIGINT", h),
};

/** One wording for a file the client cannot read, in every command. */
export function fileError(path: string, error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return `cannot read ${path}: no such file`;
  if (error instanceof Deno.errors.PermissionDenied) {
    return `cannot read ${path}: permission denied`;
  }
  if (error instanceof Deno.errors.IsADirectory) return `cannot read ${path}: it is a directory`;
  return `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`;
}

class EnrollFailed extends Error {
  constructor(readonly reply: ErrorResponse) {
    super(reply.message);
  }
}

async function identify(
  ctx: Context,
  path: string,
  algorithm: Algorithm,
  threshold: number | undefined,
  annotatePath: string | undefined,
): Promise<number> {
  let data: Uint8Array;
  try {
    data = await Deno.readFile(path);
  } catch (error) {
    throw new Error(fileError(path, error));
  }
  const reply = await call(ctx, {
    op: "identify",
    algorithm,
    threshold,
    images: [{ filename: path.split("/").pop(), data }],
  });
  if (reply.status !== "ok") return failed(ctx, reply as ErrorResponse);
  const result = reply as IdentifyResponse;
  if (annotatePath !== undefined) await annotateFile(data, result.faces, annotatePath);
  const recognized = result.faces.filter((f) => f.name !== null).length;
  if (ctx.json) {
    ctx.io.out(JSON.stringify({
      faces: result.faces.map((f) => ({
        box: f.box,
        score: f.score ?? null,
        landmarks: f.landmarks?.map((p) => [p.x, p.y]) ?? null,
        name: f.name,
        distance: finite(f.distance),
        algorithm: f.algorithm,
        threshold: f.threshold,
        candidates: f.candidates.map((c) => ({ name: c.name, distance: finite(c.distance) })),
      })),
      image: { width: result.imageWidth, height: result.imageHeight },
      annotated: annotatePath ?? null,
    }));
  } else if (result.faces.length === 0) {
    ctx.io.out(`no face found in ${path}`);
  } else {
    for (const f of result.faces) {
      const where = `${f.box.width}x${f.box.height}+${f.box.x}+${f.box.y}`;
      const best = f.candidates[0];
      ctx.io.out(
        f.name !== null
          ? `${f.name.padEnd(20)} distance ${formatDistance(f.distance ?? NaN)}  at ${where}`
          : `${"unknown".padEnd(20)} ${
            best ? `nearest ${best.name} at ${formatDistance(best.distance)}` : "no candidates"
          } (threshold ${formatDistance(f.threshold)})  at ${where}`,
      );
    }
    if (annotatePath !== undefined) ctx.io.out(`annotated image written to ${annotatePath}`);
  }
  if (result.faces.length === 0) return EXIT.noFace;
  return recognized > 0 ? EXIT.ok : EXIT.nobodyRecognized;
}
