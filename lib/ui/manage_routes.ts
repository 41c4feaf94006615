/**
 * The routes of one person's management: rename, their faces with thumbnails, removing one
 * face, and the thumbnail shown in the People list.
 * @module
 */
import type { ExportResponse } from "../protocol/mod.ts";
import type { DetectorLink } from "./detector_link.ts";
import { HttpError } from "./http_error.ts";
import { modelJson } from "./to_json.ts";
import { encodeBase64 } from "./_base64.ts";
import { nameParam, segment } from "./_params.ts";
import { readBody } from "./read_body.ts";

/** The largest rename body read: `{"name": "..."}`. */
const MAX_JSON_BYTES = 4096;
/** How many people's thumbnails are kept in memory. */
const THUMBNAIL_CACHE = 256;

/** Answers a management route, or resolves to undefined when the path is none of them. */
export type ManagementRoute = (request: Request, url: URL) => Promise<Response | undefined>;

/** The management routes over `link`. */
export function managementRoute(link: DetectorLink): ManagementRoute {
  // A person's thumbnail, by name and face count: the count changes when faces do.
  const thumbnails = new Map<string, Uint8Array<ArrayBuffer> | null>();

  /** The person's stored face images, or undefined when the detector may not give them. */
  const exportFaces = async (name: string): Promise<ExportResponse | undefined> => {
    try {
      return await link.call({ op: "export", name });
    } catch (error) {
      // A key without the admin role, or an older detector: faces are listed without images.
      if (
        error instanceof HttpError &&
        (error.status === "unauthorized" || error.status === "unknownOperation")
      ) return undefined;
      throw error;
    }
  };

  return async (request, url) => {
    const match = /^\/api\/people\/([^/]+)\/(rename|faces|thumbnail)(?:\/(\d+))?$/.exec(
      url.pathname,
    );
    if (!match) return undefined;
    const name = nameParam(segment(match[1]!, "person"), "person");
    const [, , what, id] = match;
    const route = `${request.method} ${what}${id === undefined ? "" : "/id"}`;
    if (route === "POST rename") {
      const newName = nameParam(await readNewName(request), "new name");
      const reply = await link.call({ op: "rename", name, newName });
      thumbnails.clear();
      return Response.json({ name: reply.name, new_name: reply.newName });
    }
    if (route === "GET faces") {
      const [listed, exported] = [await link.call({ op: "faces", name }), await exportFaces(name)];
      const pngs = new Map(exported?.faces.map((f) => [f.id, f.png]) ?? []);
      return Response.json({
        name: listed.name,
        total: listed.total,
        faces: listed.faces.map((f) => {
          const png = pngs.get(f.id);
          return {
            id: f.id,
            created_at: new Date(f.createdAt).toISOString(),
            filename: f.filename ?? null,
            score: f.score ?? null,
            aligned: f.aligned,
            thumbnail: png ? `data:image/png;base64,${encodeBase64(png)}` : null,
          };
        }),
      });
    }
    if (route === "DELETE faces/id") {
      const reply = await link.call({ op: "forgetFace", name, faceId: Number(id) });
      thumbnails.clear();
      return Response.json({
        name: reply.name,
        face_id: reply.faceId,
        person_faces: reply.personFaces,
        models: reply.models.map(modelJson),
      });
    }
    if (route === "GET thumbnail") {
      const key = `${name}\u0000${url.searchParams.get("faces") ?? ""}`;
      let png = thumbnails.get(key);
      if (png === undefined) {
        const first = (await exportFaces(name))?.faces[0]?.png;
        png = first ? new Uint8Array(first) : null;
        if (thumbnails.size >= THUMBNAIL_CACHE) thumbnails.clear();
        thumbnails.set(key, png);
      }
      if (png === null) throw new HttpError(404, "notFound", `no face image of ${name}`);
      return new Response(png, { headers: { "content-type": "image/png" } });
    }
    throw new HttpError(405, "methodNotAllowed", `${request.method} is not allowed here`);
  };
}

async function readNewName(request: Request): Promise<string | undefined> {
  const text = new TextDecoder().decode(await readBody(request, MAX_JSON_BYTES));
  try {
    const body = JSON.parse(text);
    return typeof body?.name === "string" ? body.name : undefined;
  } catch {
    throw new HttpError(
      400,
      "badRequest",
      `expected JSON {"name": "..."}, got ${text.slice(0, 40)}`,
    );
  }
}
