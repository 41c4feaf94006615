/**
 * The web page's JSON API: each route reads the page's request, makes one TLV call to the
 * detector (two for a person's faces with their images), and answers JSON. Routes and
 * shapes: docs/UI.md.
 * @module
 */
import { ALGORITHMS, DEFAULT_ALGORITHM } from "../core/algorithms.ts";
import { VERSION } from "../service/version.ts";
import type { DetectorLink } from "./detector_link.ts";
import { HttpError } from "./http_error.ts";
import { managementRoute } from "./manage_routes.ts";
import { readBody } from "./read_body.ts";
import { identifyJson, imageJson, modelJson } from "./to_json.ts";
import { algorithmParam, filenameOf, nameParam, segment, thresholdParam } from "./_params.ts";
import { readVerifyForm } from "./verify_form.ts";

/** What the API needs. */
export interface ApiOptions {
  /** The detector. */
  link: DetectorLink;
  /** The largest request body accepted, in bytes. */
  maxUploadBytes: number;
}

/** Answers one API request (the path starts with `/api/`). */
export type ApiHandler = (request: Request, url: URL) => Promise<Response>;

/** The API's request handler. */
export function apiHandler({ link, maxUploadBytes }: ApiOptions): ApiHandler {
  const manage = managementRoute(link);
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
      const algorithm = algorithmParam(url.searchParams.get("algorithm"));
      const threshold = thresholdParam(url.searchParams.get("threshold"));
      const filename = filenameOf(request);
      const data = await readBody(request, maxUploadBytes);
      const reply = await link.call({
        op: "identify",
        algorithm,
        ...(threshold === undefined ? {} : { threshold }),
        images: [{ ...(filename ? { filename } : {}), data }],
      });
      return Response.json(identifyJson(reply));
    }
    if (route === "POST /api/verify") {
      const algorithm = algorithmParam(url.searchParams.get("algorithm"));
      const threshold = thresholdParam(url.searchParams.get("threshold"));
      const images = await readVerifyForm(request, maxUploadBytes);
      const reply = await link.call({
        op: "verify",
        algorithm,
        ...(threshold === undefined ? {} : { threshold }),
        images,
      });
      return Response.json({
        same: reply.same ?? null,
        distance: reply.distance ?? null,
        threshold: reply.threshold ?? null,
        algorithm: reply.algorithm,
        images: images.map((image, i) => ({
          filename: image.filename ?? null,
          faces: reply.faces[i] ?? 0,
        })),
      });
    }
    if (person && request.method === "DELETE") {
      const name = nameParam(segment(person[1]!, "person"), "person");
      const reply = await link.call({ op: "forget", name });
      return Response.json({
        name: reply.name,
        removed_faces: reply.removedFaces,
        models: reply.models.map(modelJson),
      });
    }
    const managed = await manage(request, url);
    if (managed) return managed;
    const known = /^\/api\/(status|people|enroll|identify|verify|people\/[^/]+)$/.test(
      url.pathname,
    );
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
    ui_version: VERSION,
    people: reply.people,
    faces: reply.faces,
    models: reply.models.map(modelJson),
    detector: link.address,
    algorithms: ALGORITHMS,
    default_algorithm: DEFAULT_ALGORITHM,
    max_upload_bytes: maxUploadBytes,
  };
}
