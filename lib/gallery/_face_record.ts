/**
 * A stored face's record from a database row, as both gallery backends read it.
 * @module
 */
import type { FaceRecord } from "./gallery.ts";

/**
 * The {@link FaceRecord} of one row with the columns `id`, `created_at`, `source`, `score`
 * and `aligned` (0/1 or a boolean).
 */
export function faceRecord(r: Readonly<Record<string, unknown>>): FaceRecord {
  return {
    id: Number(r.id),
    createdAt: Number(r.created_at),
    source: r.source === null ? null : String(r.source),
    score: r.score === null ? null : Number(r.score),
    aligned: Boolean(r.aligned),
  };
}
