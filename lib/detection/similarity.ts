/**
 * The least-squares 2D similarity transform (rotation, uniform scale, translation; no
 * reflection) between two point sets, in closed form: Umeyama, "Least-squares estimation of
 * transformation parameters between two point patterns", IEEE TPAMI 13(4), 1991. opencv-js
 * 4.12 has no `estimateAffinePartial2D`, which would otherwise give it.
 *
 * Written as the 4-parameter linear problem x' = a·x − b·y + tx, y' = b·x + a·y + ty: with
 * the centroids removed, a = Σ(x·x' + y·y') / Σ(x² + y²) and b = Σ(x·y' − y·x') / Σ(x² + y²),
 * which is Umeyama's solution restricted to proper rotations.
 *
 * @module
 */
import type { Point } from "./face.ts";

/** A 2x3 affine matrix `[a, -b, tx, b, a, ty]`, row-major, mapping source to destination. */
export type Similarity = readonly [number, number, number, number, number, number];

/**
 * The similarity that maps `src` onto `dst` with the least squared error.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applySimilarity, fitSimilarity } from "./similarity.ts";
 * const m = fitSimilarity([{ x: 0, y: 0 }, { x: 1, y: 0 }], [{ x: 2, y: 2 }, { x: 2, y: 4 }]);
 * const p = applySimilarity(m, { x: 1, y: 0 });
 * assert.ok(Math.abs(p.x - 2) < 1e-12 && Math.abs(p.y - 4) < 1e-12);
 * ```
 */
export function fitSimilarity(src: readonly Point[], dst: readonly Point[]): Similarity {
  if (src.length !== dst.length) {
    throw new TypeError(
      `expected as many destination points as source points (${src.length}), got ${dst.length}`,
    );
  }
  if (src.length < 2) throw new RangeError(`expected at least 2 point pairs, got ${src.length}`);
  for (const [i, p] of [...src, ...dst].entries()) {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      throw new RangeError(`point ${i}: expected finite coordinates, got (${p.x}, ${p.y})`);
    }
  }
  const n = src.length;
  let sx = 0, sy = 0, dx = 0, dy = 0;
  for (let i = 0; i < n; i++) {
    sx += src[i]!.x, sy += src[i]!.y, dx += dst[i]!.x, dy += dst[i]!.y;
  }
  sx /= n, sy /= n, dx /= n, dy /= n;
  let norm = 0, dot = 0, cross = 0;
  for (let i = 0; i < n; i++) {
    const x = src[i]!.x - sx, y = src[i]!.y - sy;
    const u = dst[i]!.x - dx, v = dst[i]!.y - dy;
    norm += x * x + y * y;
    dot += x * u + y * v;
    cross += x * v - y * u;
  }
  if (!(norm > 0)) {
    throw new RangeError("expected source points that are not all the same point");
  }
  const a = dot / norm, b = cross / norm;
  return [a, -b, dx - (a * sx - b * sy), b, a, dy - (b * sx + a * sy)];
}

/** Where `m` sends `p`. */
export function applySimilarity(m: Similarity, p: Point): Point {
  return { x: m[0] * p.x + m[1] * p.y + m[2], y: m[3] * p.x + m[4] * p.y + m[5] };
}
