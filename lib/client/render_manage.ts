/**
 * What the verify and gallery-management commands print: text for a person, or with
 * `--json` one JSON object on stdout (schemas in the README).
 * @module
 */
import type {
  ExportResponse,
  FacesResponse,
  ForgetFaceResponse,
  RenameResponse,
  VerifyResponse,
} from "../protocol/messages.ts";
import { formatDistance, type Output } from "./render.ts";

/** A `verify` reply about the photos at `paths`. */
export function renderVerify(
  { io, json }: Output,
  paths: readonly string[],
  reply: VerifyResponse,
) {
  if (json) {
    io.out(JSON.stringify({
      same: reply.same ?? null,
      distance: reply.distance ?? null,
      threshold: reply.threshold ?? null,
      algorithm: reply.algorithm,
      name: reply.name ?? null,
      images: paths.map((path, i) => ({ path, faces: reply.faces[i] ?? 0 })),
    }));
    return;
  }
  const empty = paths.filter((_, i) => reply.faces[i] === 0);
  if (reply.same === undefined || reply.distance === undefined || reply.threshold === undefined) {
    io.out(`no face found in ${empty.join(" and ")}`);
    return;
  }
  const other = reply.name ?? paths[1];
  io.out(
    `${reply.same ? "same person" : "different people"}: ${paths[0]} and ${other} at ` +
      `${formatDistance(reply.distance)} (${reply.algorithm} threshold ` +
      `${formatDistance(reply.threshold)})`,
  );
  reply.faces.forEach((n, i) => {
    if (n > 1) io.out(`  ${paths[i]} shows ${n} faces; the largest was compared`);
  });
}

/** A `rename` reply. */
export function renderRename({ io, json }: Output, reply: RenameResponse): void {
  if (json) io.out(JSON.stringify({ name: reply.name, new_name: reply.newName }));
  else io.out(`renamed ${reply.name} to ${reply.newName}`);
}

/** A `faces` reply. */
export function renderFaces({ io, json }: Output, reply: FacesResponse): void {
  if (json) {
    io.out(JSON.stringify({
      name: reply.name,
      total: reply.total,
      faces: reply.faces.map((f) => ({
        id: f.id,
        created_at: new Date(f.createdAt).toISOString(),
        source: f.filename ?? null,
        score: f.score ?? null,
        aligned: f.aligned,
      })),
    }));
    return;
  }
  io.out(`${reply.name}: ${reply.total} face(s)`);
  for (const f of reply.faces) {
    io.out(
      `  id ${String(f.id).padEnd(6)} ${new Date(f.createdAt).toISOString()}  ` +
        `${f.score === undefined ? "score -   " : `score ${f.score.toFixed(2)}`}  ` +
        `${f.aligned ? "aligned" : "grey   "}  ${f.filename ?? ""}`.trimEnd(),
    );
  }
  if (reply.total > reply.faces.length) {
    io.out(`  (the first ${reply.faces.length} of ${reply.total} are listed)`);
  }
}

/** A `forget NAME --face ID` reply. */
export function renderForgetFace({ io, json }: Output, reply: ForgetFaceResponse): void {
  if (json) {
    io.out(JSON.stringify({
      name: reply.name,
      face_id: reply.faceId,
      person_faces: reply.personFaces,
      models: reply.models,
    }));
    return;
  }
  io.out(
    `forgot face ${reply.faceId} of ${reply.name}: ` +
      (reply.personFaces === 0
        ? `it was their last, so ${reply.name} is no longer enrolled`
        : `${reply.personFaces} face(s) left`),
  );
}

/** A file an export wrote. */
export interface ExportedFile {
  /** The face's id. */
  id: number;
  /** Where it was written. */
  path: string;
  /** True for the aligned colour chip, false for the grey crop. */
  aligned: boolean;
}

/** An `export` reply, once its files are written to `dir`. */
export function renderExport(
  { io, json }: Output,
  reply: ExportResponse,
  dir: string,
  files: readonly ExportedFile[],
): void {
  if (json) {
    io.out(JSON.stringify({ name: reply.name, total: reply.total, dir, files }));
    return;
  }
  for (const f of files) io.out(`${f.path}  (${f.aligned ? "aligned chip" : "grey crop"})`);
  io.out(
    `wrote ${files.length} face(s) of ${reply.name} to ${dir}` +
      (reply.total > files.length
        ? `; ${reply.total - files.length} more did not fit in one reply`
        : ""),
  );
}
