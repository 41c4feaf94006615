/**
 * The web page's JSON API: each route reads the page's request, makes one TLV call to the
 * detector, and answers JSON. Routes and shapes: docs/UI.md.
 * @module
 */
import { ALGORITHMS, DEFAULT_ALGORITHM, isAlgorithm } from "../core/algorithms.ts";
import type { DetectorLink } from "./detector_link.ts";
import { HttpError } from "./http_error.ts";
import { readBody } from "./read_body.ts";
import { identifyJson, imageJson, modelJson } from "./to_json.ts";

/** What the API needs. */
export interface ApiOptions {
  /** The detector. */
  link: DetectorLink;
  /** The largest request body accepted, in bytes. */
  maxUploadBytes: number;
}

/** Answers one API request (the path starts with `/api/`). */
export type ApiHandler = (request: Request, url: URL) => Promise<Response>;

/** The longest name the page sends on (the protocol caps names itself). */
const MAX_NAME = 200;

/** The API's request handler. */
export function apiHandler({ link, maxUploadBytes }: ApiOptions): ApiHandler {
  return async (request, url) => {
    const route = `${request.method} ${url.pathname}`;
    const person = /^\/api\/people\/([^/]+)$/.exec(url.pathname);
    if (route === "GET /api/status") return Response.json(await status(link, maxUploadBytes));
    if (route === "GET /api/people") {
      const reply = await link.call({ op: "list" });
      return Response.json({ people: reply.people });
    }
    if (route === "POST /api/enroll") {
      const name = nameParam(url.searchParams.get("name"), "name");
      const filename = filenameOf(request);
      const data = await readBody(request, maxUploadBytes);
      const reply = await link.call({
        op: "enroll",
        name,
        ...(url.searchParams.get("largest") === "1" ? { largest: true } : {}),
        images: [{ ...(filename ? { filename } : {}), data }],
      });
      const report = reply.images[0];
      return Response.json({
        name: reply.name,
        stored: reply.stored,
        person_faces: reply.personFaces,
        image: report ? imageJson(report, filename) : null,
        models: reply.models.map(modelJson),
      });
    }
    if (route === "POST /api/identify") {
      const algorithm = url.searchParams.get("algorithm") ?? DEFAULT_ALGORITHM;
      if (!isAlgorithm(algorithm)) {
        throw new HttpError(
          400,
          "badRequest",
          `algorithm: expected one of ${ALGORITHMS.join(", ")}, got ${JSON.stringify(algorithm)}`,
        );
      }
      const threshold = thresholdParam(url.searchParams.get("threshold"));
      const data = await readBody(request, maxUploadBytes);
      const filename = filenameOf(request);
      const reply = await link.call({
        op: "identify",
        algorithm,
        ...(threshold === undefined ? {} : { threshold }),
        images: [{ ...(filename ? { filename } : {}), data }],
      });
      return Response.json(identifyJson(reply));
    }
    if (person && request.method === "DELETE") {
      const name = nameParam(decodeURIComponent(person[1]!), "person");
      const reply = await link.call({ op: "forget", name });
      return Response.json({
        name: reply.name,
        removed_faces: reply.removedFaces,
        models: reply.models.map(modelJson),
      });
    }
    const known = /^\/api\/(status|people|enroll|identify|people\/[^/]+)$/.test(url.pathname);
    if (known) {
      throw new HttpError(405, "methodNotAllowed", `${request.method} is not allowed here`);
    }
    throw new HttpError(404, "notFound", `no API route ${url.pathname}`);
  };
}

async function status(link: DetectorLink, maxUploadBytes: number) {
  const reply = await link.call({ op: "stats" });
  return {
    version: reply.version,
    people: reply.people,
    faces: reply.faces,
    models: reply.models.map(modelJson),
    detector: link.address,
    algorithms: ALGORITHMS,
    default_algorithm: DEFAULT_ALGORITHM,
    max_upload_bytes: maxUploadBytes,
  };
}

function nameParam(value: string | null, what: string): string {
  const name = value?.trim() ?? "";
  if (name === "") throw new HttpError(400, "badRequest", `${what}: expected a name, got none`);
  if (name.length > MAX_NAME) {
    throw new HttpError(
      400,
      "badRequest",
      `${what}: expected at most ${MAX_NAME} characters, got ${name.length}`,
    );
  }
  return name;
}

function thresholdParam(value: string | null): number | undefined {
  if (value === null || value === "") return undefined;
  const threshold = Number(value);
  if (!Number.isFinite(threshold) || threshold < 0) {
    throw new HttpError(
      400,
      "badRequest",
      `threshold: expected a distance of 0 or more, got ${JSON.stringify(value)}`,
    );
  }
  return threshold;
}

/** The file's name the page sent (URI-encoded, since headers are Latin-1), if any. */
function filenameOf(request: Request): string | undefined {
  const raw = request.headers.get("x-filename");
  if (!raw) return undefined;
  try {
    return decodeURIComponent(raw).slice(0, 255);
  } catch {
    return undefined;
  }
}
