/**
 * Everything the client prints: as text for a person, or with `--json` as one JSON object
 * on stdout (schema in the README). Commands decide what happened; these say it.
 * @module
 */
import { knownDistance } from "../protocol/distance.ts";
import type {
  EnrollResponse,
  ErrorResponse,
  ForgetResponse,
  IdentifyResponse,
  ImageReport,
  ListResponse,
  ModelState,
  StatsResponse,
} from "../protocol/messages.ts";
import type { ClientIO } from "./context.ts";

/** Where and how to print. */
export interface Output {
  io: ClientIO;
  /** `--json`: one JSON object on stdout. */
  json: boolean;
}

/**
 * Distances of every scale readable: dnn's are below 2, LBPH's in the tens, Eigen's
 * thousands.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatDistance } from "./render.ts";
 * assert.deepEqual([formatDistance(0.41234), formatDistance(2203.17)], ["0.412", "2203.2"]);
 * ```
 */
export function formatDistance(d: number): string {
  return d < 10 ? d.toFixed(3) : d.toFixed(1);
}

/** A distance for JSON: null when there is none (JSON has no Infinity either). */
function jsonDistance(d: number | undefined): number | null {
  return knownDistance(d) ?? null;
}

/** A usage error: one line and a hint, or the JSON error object. */
export function renderUsage({ io, json }: Output, message: string): void {
  if (json) io.out(JSON.stringify({ error: { status: "usage", message } }));
  else io.err(`client: ${message}\n(run "client --help" for the commands and options)`);
}

/**
 * An error of the client's own (`status` "client"), or one raised on our side of the wire
 * that keeps its protocol status (the detector is unavailable).
 */
export function renderError({ io, json }: Output, status: string, message: string): void {
  if (json) io.out(JSON.stringify({ error: { status, message } }));
  else io.err(`client: ${message}`);
}

/** An error reply from the detector. */
export function renderFailure({ io, json }: Output, reply: ErrorResponse): void {
  if (json) io.out(JSON.stringify({ error: { status: reply.status, message: reply.message } }));
  else io.err(`error (${reply.status}): ${reply.message}`);
}

/** A `list` reply. */
export function renderList({ io, json }: Output, reply: ListResponse): void {
  if (json) io.out(JSON.stringify({ people: reply.people }));
  else if (reply.people.length === 0) io.out("nobody is enrolled");
  else for (const p of reply.people) io.out(`${p.name}\t${p.faces} face(s)`);
}

/** A `forget` reply. */
export function renderForget({ io, json }: Output, reply: ForgetResponse): void {
  if (json) {
    io.out(
      JSON.stringify({ name: reply.name, removed_faces: reply.removedFaces, models: reply.models }),
    );
  } else io.out(`forgot ${reply.name}: ${reply.removedFaces} face(s) removed`);
}

/** A `stats` reply. */
export function renderStats({ io, json }: Output, reply: StatsResponse): void {
  if (json) {
    io.out(JSON.stringify({
      version: reply.version,
      people: reply.people,
      faces: reply.faces,
      models: reply.models,
    }));
    return;
  }
  io.out(`facerec ${reply.version}: ${reply.people} people, ${reply.faces} faces`);
  for (const m of reply.models) {
    io.out(
      `  ${m.algorithm.padEnd(7)} ${m.state.padEnd(11)} ${m.faces} faces${
        m.threshold === undefined ? "" : `, threshold ${formatDistance(m.threshold)}`
      }${m.message ? `  (${m.message})` : ""}`,
    );
  }
}

/** An `identify` reply for the photo at `path`; `annotated`: where its copy was written. */
export function renderIdentify(
  { io, json }: Output,
  path: string,
  result: IdentifyResponse,
  annotated: string | undefined,
): void {
  if (json) {
    io.out(JSON.stringify({
      faces: result.faces.map((f) => ({
        box: f.box,
        score: f.score ?? null,
        landmarks: f.landmarks?.map((p) => [p.x, p.y]) ?? null,
        name: f.name,
        distance: jsonDistance(f.distance),
        algorithm: f.algorithm,
        threshold: f.threshold,
        candidates: f.candidates.map((c) => ({ name: c.name, distance: jsonDistance(c.distance) })),
      })),
      image: { width: result.imageWidth, height: result.imageHeight },
      annotated: annotated ?? null,
    }));
    return;
  }
  if (result.faces.length === 0) {
    io.out(`no face found in ${path}`);
    return;
  }
  for (const f of result.faces) {
    const where = `${f.box.width}x${f.box.height}+${f.box.x}+${f.box.y}`;
    const best = f.candidates[0];
    const distance = knownDistance(f.distance);
    io.out(
      f.name !== null
        ? `${f.name.padEnd(20)} distance ${
          distance === undefined ? "none" : formatDistance(distance)
        }  at ${where}`
        : `${"unknown".padEnd(20)} ${
          best ? `nearest ${best.name} at ${formatDistance(best.distance)}` : "no candidates"
        } (threshold ${formatDistance(f.threshold)})  at ${where}`,
    );
  }
  if (annotated !== undefined) io.out(`annotated image written to ${annotated}`);
}

/** What became of one image of an enroll. */
export interface ImageResult {
  path: string;
  outcome: ImageReport["outcome"];
  faces: number;
  /** With --largest, the faces of the image that were not taken. */
  ignored?: number;
  message?: string;
}

/** The whole of an enroll, over all its batches. */
export interface EnrollSummary {
  /** The name as given on the command line. */
  name: string;
  results: ImageResult[];
  /** The reply that stored something, else the first one. */
  last: EnrollResponse | undefined;
  /** Set after Ctrl-C: the images in flight, and those never sent. */
  interrupted?: { inFlight: string[]; notSent: string[] };
}

const OUTCOME_TEXT: Record<ImageReport["outcome"], string> = {
  stored: "stored",
  no_face: "no face",
  several_faces: "several faces",
  unreadable: "unreadable",
  duplicate: "duplicate",
};

/** An enroll refused by the detector: what had happened so far, then the refusal. */
export function renderEnrollFailure(
  output: Output,
  results: readonly ImageResult[],
  reply: ErrorResponse,
): void {
  for (const r of results) output.io.err(`${OUTCOME_TEXT[r.outcome]}\t${r.path}`);
  renderFailure(output, reply);
}

/** A finished (or interrupted) enroll. */
export function renderEnroll({ io, json }: Output, summary: EnrollSummary): void {
  const { results, last, interrupted } = summary;
  const stored = results.filter((r) => r.outcome === "stored").length;
  const training = (last?.models ?? []).filter((m: ModelState) => m.state === "training").map((
    m,
  ) => m.algorithm);
  const name = last?.name ?? summary.name;
  if (json) {
    io.out(JSON.stringify({
      name,
      stored,
      person_faces: last?.personFaces ?? 0,
      images: results,
      models: last?.models ?? [],
      ...(interrupted
        ? { interrupted: true, in_flight: interrupted.inFlight, not_sent: interrupted.notSent }
        : {}),
    }));
    return;
  }
  for (const r of results) {
    io.out(`${OUTCOME_TEXT[r.outcome].padEnd(13)} ${r.path}${r.message ? `  (${r.message})` : ""}`);
  }
  io.out(
    `${stored} of ${results.length} image(s) stored for ${name}` +
      (last && stored > 0 ? `; ${last.personFaces} face(s) on file` : ""),
  );
  if (training.length > 0) {
    io.out(
      `${training.join(" and ")} ${
        training.length === 1 ? "is" : "are"
      } retraining in the background (enroll --wait waits for them)`,
    );
  }
  if (interrupted) {
    io.out(
      `interrupted: ${interrupted.inFlight.length} image(s) were being sent and may or may not ` +
        `be stored, ${interrupted.notSent.length} were not sent; run the same enroll again to ` +
        `finish (faces already stored are reported as duplicates)`,
    );
  }
}
