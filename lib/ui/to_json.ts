/**
 * The detector's replies as the page's JSON: the shapes of the client's `--json` output
 * (README), so that one schema serves both.
 * @module
 */
import {
  type IdentifyResponse,
  type ImageReport,
  knownDistance,
  type ModelState,
} from "../protocol/mod.ts";

/** A model's state as JSON (absent fields stay absent). */
export function modelJson(m: ModelState): Record<string, unknown> {
  return {
    algorithm: m.algorithm,
    state: m.state,
    faces: m.faces,
    threshold: m.threshold ?? null,
    message: m.message ?? null,
  };
}

/** One image's enroll outcome as JSON. */
export function imageJson(report: ImageReport, filename: string | undefined) {
  return {
    filename: filename ?? null,
    outcome: report.outcome,
    faces: report.faces,
    message: report.message ?? null,
  };
}

/** An identify reply as JSON: boxes in source-image pixels, null for no distance. */
export function identifyJson(reply: IdentifyResponse): Record<string, unknown> {
  return {
    faces: reply.faces.map((f) => ({
      box: f.box,
      score: f.score ?? null,
      landmarks: f.landmarks?.map((p) => [p.x, p.y]) ?? null,
      name: f.name,
      distance: knownDistance(f.distance) ?? null,
      algorithm: f.algorithm,
      threshold: f.threshold,
      candidates: f.candidates.map((c) => ({
        name: c.name,
        distance: knownDistance(c.distance) ?? null,
      })),
    })),
    image: { width: reply.imageWidth, height: reply.imageHeight },
  };
}
