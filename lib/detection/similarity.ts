/**
 * Least-squares 2D similarity transforms (rotation, uniform scale, translation; never a
 * reflection) between point sets, for aligning faces by their landmarks.
 *
 * The fit is the closed form of S. Umeyama, "Least-squares estimation of transformation
 * parameters between two point patterns", IEEE TPAMI 13(4), 1991, specialised to 2D: with
 * the map written as `[a -b; b a] p + t`, the residual is linear in (a, b, tx, ty), and after
 * centring both sets the normal equations decouple into
 * `a = Σ(s·d) / Σ|s|²` and `b = Σ(s×d) / Σ|s|²`. (OpenCV's `estimateAffinePartial2D`, which
 * does the same, is not exported by opencv-js 4.12.)
 * @module
 */
import type { Point } from "./face.ts";

/**
 * A 2x3 similarity matrix `[a, -b, tx, b, a, ty]`, row-major, mapping `(x, y)` to
 * `(a x - b y + tx, b x + a y + ty)`; the layout `cv.warpAffine` takes. Its scale is
 * `hypot(a, b)` and its rotation `atan2(b, a)`.
 */
export type Similarity = readonly [number, number, number, number, number, number];

function checkPoints(name: string, points: readonly Point[]): void {
  for (const [i, p] of points.entries()) {
    if (!(Number.isFinite(p.x) && Number.isFinite(p.y))) {
      throw new RangeError(`expected finite coordinates in ${name}[${i}], got (${p.x}, ${p.y})`);
    }
  }
}

/** Centroid and spread (largest distance from the centroid) of a point set. */
function centre(points: readonly Point[]): { cx: number; cy: number; spread: number } {
  let cx = 0, cy = 0, scale = 0;
  for (const p of points) {
    cx += p.x;
    cy += p.y;
    scale = Math.max(scale, Math.abs(p.x), Math.abs(p.y));
  }
  cx /= points.length;
  cy /= points.length;
  let spread = 0;
  for (const p of points) spread = Math.max(spread, Math.hypot(p.x - cx, p.y - cy));
  // Equal points can leave a centroid a few ulps off (0.1 + 0.1 + 0.1 != 0.3), so "all
  // equal" means a spread at rounding level relative to the coordinates' magnitude.
  return { cx, cy, spread: spread <= 1e-12 * Math.max(1, scale) ? 0 : spread };
}

/**
 * Fits the similarity that maps `src` onto `dst` with the least sum of squared distances.
 * Throws TypeError when the sets differ in length, RangeError with fewer than two points,
 * non-finite coordinates, or a degenerate set (all source or all destination points equal,
 * where no rotation or scale is determined).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fitSimilarity } from "./similarity.ts";
 * // A quarter turn, doubled, then shifted by (5, 0).
 * const m = fitSimilarity(
 *   [{ x: 0, y: 0 }, { x: 1, y: 0 }, { x: 0, y: 1 }],
 *   [{ x: 5, y: 0 }, { x: 5, y: 2 }, { x: 3, y: 0 }],
 * );
 * assert.ok(m.every((v, i) => Math.abs(v - [0, -2, 5, 2, 0, 0][i]!) < 1e-12));
 * ```
 */
export function fitSimilarity(src: readonly Point[], dst: readonly Point[]): Similarity {
  if (src.length !== dst.length) {
    throw new TypeError(
      `expected as many destination as source points, got ${src.length} and ${dst.length}`,
    );
  }
  if (src.length < 2) {
    throw new RangeError(`expected at least 2 point pairs, got ${src.length}`);
  }
  checkPoints("src", src);
  checkPoints("dst", dst);
  const s = centre(src);
  const d = centre(dst);
  if (s.spread === 0 || d.spread === 0) {
    const which = s.spread === 0 ? "source" : "destination";
    const p = (s.spread === 0 ? src : dst)[0]!;
    throw new RangeError(
      `expected at least two distinct ${which} points, got all ${src.length} at (${p.x}, ${p.y})`,
    );
  }
  let dot = 0, cross = 0, norm = 0;
  for (let i = 0; i < src.length; i++) {
    const sx = src[i]!.x - s.cx, sy = src[i]!.y - s.cy;
    const dx = dst[i]!.x - d.cx, dy = dst[i]!.y - d.cy;
    dot += sx * dx + sy * dy;
    cross += sx * dy - sy * dx;
    norm += sx * sx + sy * sy;
  }
  const a = dot / norm;
  const b = cross / norm;
  return [a, -b, d.cx - (a * s.cx - b * s.cy), b, a, d.cy - (b * s.cx + a * s.cy)];
}

/**
 * Maps a point through a similarity (or any 2x3 affine matrix in the same layout).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applySimilarity } from "./similarity.ts";
 * const p = applySimilarity([0, -2, 5, 2, 0, 0], { x: 1, y: 0 });
 * assert.deepEqual(p, { x: 5, y: 2 });
 * ```
 */
export function applySimilarity(m: Similarity, p: Point): Point {
  return { x: m[0] * p.x + m[1] * p.y + m[2], y: m[3] * p.x + m[4] * p.y + m[5] };
}

/**
 * The inverse similarity, mapping `dst` back to `src`. Throws RangeError for a zero-scale
 * matrix, which has none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applySimilarity, invertSimilarity } from "./similarity.ts";
 * const back = applySimilarity(invertSimilarity([0, -2, 5, 2, 0, 0]), { x: 5, y: 2 });
 * assert.ok(Math.abs(back.x - 1) < 1e-12 && Math.abs(back.y) < 1e-12);
 * ```
 */
export function invertSimilarity(m: Similarity): Similarity {
  const [a, , tx, b, , ty] = m;
  const k = a * a + b * b;
  if (!(k > 0 && Number.isFinite(k))) {
    throw new RangeError(`expected a similarity with a positive finite scale, got [${m}]`);
  }
  // The inverse of s·R is R^T / s: (a, b) becomes (a, -b) / (a² + b²).
  const ia = a / k, ib = -b / k;
  return [ia, -ib, -(ia * tx - ib * ty), ib, ia, -(ib * tx + ia * ty)];
}
