/**
 * Circular (extended) local binary patterns, bit-exact with OpenCV contrib's `elbp_`.
 *
 * Ojala, T., Pietikäinen, M. and Mäenpää, T. "Multiresolution gray-scale and rotation
 * invariant texture classification with local binary patterns." IEEE TPAMI 24(7), 2002;
 * used for faces by Ahonen, Hadid & Pietikäinen (2004, 2006).
 *
 * Neighbour n sits at (x, y) = (r cos(2 pi n / P), -r sin(2 pi n / P)) from the centre and sets
 * bit n when its bilinearly interpolated value is >= the centre. OpenCV computes weights and
 * the interpolation in float32 and counts |t - centre| < FLT_EPSILON as equal; `Math.fround`
 * reproduces that rounding step by step, so codes match OpenCV's exactly.
 *
 * @module
 */
import type { FaceImage } from "./recognizer.ts";

/** An LBP code image, `(width - 2r) x (height - 2r)` codes in `[0, 2^neighbors)`. */
export interface LbpImage {
  /** Codes per row: the image's width less `2 * radius`. */
  readonly width: number;
  /** Rows: the image's height less `2 * radius`. */
  readonly height: number;
  /** The codes, row-major, `width * height` of them. */
  readonly codes: Int32Array;
}

const FLT_EPSILON = 2 ** -23;
const f = Math.fround;

/**
 * LBP codes of every pixel at least `radius` from the border.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { lbpCodes } from "./lbp.ts";
 * // Only the right neighbour (bit 0) and the one below (bit 6) are >= the centre.
 * const patch = { width: 3, height: 3, data: Uint8Array.of(1, 1, 1, 1, 5, 9, 1, 7, 1) };
 * assert.equal(lbpCodes(patch).codes[0], 0b1000001);
 * ```
 */
export function lbpCodes(image: FaceImage, radius = 1, neighbors = 8): LbpImage {
  if (!Number.isInteger(radius) || radius < 1) {
    throw new RangeError(`radius: expected a positive integer, got ${radius}`);
  }
  if (!Number.isInteger(neighbors) || neighbors < 1 || neighbors > 31) {
    throw new RangeError(`neighbors: expected an integer in [1, 31], got ${neighbors}`);
  }
  const { width, height, data } = image;
  const w = width - 2 * radius, h = height - 2 * radius;
  if (w < 1 || h < 1) {
    throw new RangeError(
      `image: expected at least ${2 * radius + 1}x${2 * radius + 1} for radius ${radius}, ` +
        `got ${width}x${height}`,
    );
  }
  const codes = new Int32Array(w * h);
  const taps: Tap[] = [];
  for (let n = 0; n < neighbors; n++) {
    const angle = 2 * Math.PI * n / neighbors;
    const x = f(radius * Math.cos(angle)), y = f(-radius * Math.sin(angle));
    const fx = Math.floor(x), fy = Math.floor(y), cx = Math.ceil(x), cy = Math.ceil(y);
    const ty = f(y - fy), tx = f(x - fx);
    const w1 = f(f(1 - tx) * f(1 - ty)), w2 = f(tx * f(1 - ty));
    const w3 = f(f(1 - tx) * ty), w4 = f(tx * ty);
    // Offsets of the four interpolation taps relative to the centre pixel.
    // `| 0` keeps them small integers (floor/ceil of -0.0 is -0, a double to V8).
    const o1 = (fy * width + fx) | 0, o2 = (fy * width + cx) | 0;
    const o3 = (cy * width + fx) | 0, o4 = (cy * width + cx) | 0;
    const exact = exactTap([[w1, o1], [w2, o2], [w3, o3], [w4, o4]]);
    taps.push(
      exact !== undefined
        ? { exact, weights: [1, 0, 0, 0], offsets: [exact, 0, 0, 0] }
        : { weights: [w1, w2, w3, w4], offsets: [o1, o2, o3, o4] },
    );
  }
  // The default operator (8 neighbours: four on the axes, four interpolated diagonals) in
  // one pass that builds each code in a register; anything else neighbour by neighbour.
  if (neighbors === 8 && [0, 2, 4, 6].every((n) => taps[n]!.exact !== undefined)) {
    lbp8(data, width, radius, w, h, taps, codes);
    return { width: w, height: h, codes };
  }
  for (const [n, tap] of taps.entries()) {
    if (tap.exact !== undefined) compareTap(data, width, radius, w, h, tap.exact, 1 << n, codes);
    else compareInterpolated(data, width, radius, w, h, tap.weights, tap.offsets, 1 << n, codes);
  }
  return { width: w, height: h, codes };
}

/** One neighbour: a single pixel (`exact`), or four bilinear taps. */
interface Tap {
  readonly exact?: number;
  readonly weights: readonly [number, number, number, number];
  readonly offsets: readonly [number, number, number, number];
}

/**
 * OpenCV's float32 test, bilinear value >= centre, for the near-ties where the float64
 * estimate (within 1e-3 of the float32 result) cannot decide.
 */
function tieAtLeast(
  a: number,
  b: number,
  c: number,
  d: number,
  weights: readonly number[],
  centre: number,
): boolean {
  const [w1, w2, w3, w4] = weights as [number, number, number, number];
  const t = f(f(f(f(w1 * a) + f(w2 * b)) + f(w3 * c)) + f(w4 * d));
  return t > centre || Math.abs(f(t - centre)) < FLT_EPSILON;
}

/** All eight neighbours of every pixel in one pass (taps 0, 2, 4, 6 exact). */
function lbp8(
  data: Uint8Array,
  width: number,
  radius: number,
  w: number,
  h: number,
  taps: readonly Tap[],
  codes: Int32Array,
): void {
  const e0 = taps[0]!.exact!, e2 = taps[2]!.exact!, e4 = taps[4]!.exact!, e6 = taps[6]!.exact!;
  const [a1, b1, c1, d1] = taps[1]!.offsets, [p1, q1, r1, s1] = taps[1]!.weights;
  const [a3, b3, c3, d3] = taps[3]!.offsets, [p3, q3, r3, s3] = taps[3]!.weights;
  const [a5, b5, c5, d5] = taps[5]!.offsets, [p5, q5, r5, s5] = taps[5]!.weights;
  const [a7, b7, c7, d7] = taps[7]!.offsets, [p7, q7, r7, s7] = taps[7]!.weights;
  const t1 = taps[1]!.weights, t3 = taps[3]!.weights, t5 = taps[5]!.weights;
  const t7 = taps[7]!.weights;
  for (let i = 0, out = 0; i < h; i++) {
    const end = (i + radius) * width + radius + w;
    for (let at = end - w; at < end; at++, out++) {
      const centre = data[at]!;
      let code = 0;
      if (data[at + e0]! >= centre) code |= 1;
      if (data[at + e2]! >= centre) code |= 4;
      if (data[at + e4]! >= centre) code |= 16;
      if (data[at + e6]! >= centre) code |= 64;
      // Diagonals: the float64 estimate decides unless it is a near-tie.
      let v: number;
      let a = data[at + a1]!, b = data[at + b1]!, c = data[at + c1]!, d = data[at + d1]!;
      v = p1 * a + q1 * b + r1 * c + s1 * d - centre;
      if (v > 1e-3 || (v >= -1e-3 && tieAtLeast(a, b, c, d, t1, centre))) code |= 2;
      a = data[at + a3]!, b = data[at + b3]!, c = data[at + c3]!, d = data[at + d3]!;
      v = p3 * a + q3 * b + r3 * c + s3 * d - centre;
      if (v > 1e-3 || (v >= -1e-3 && tieAtLeast(a, b, c, d, t3, centre))) code |= 8;
      a = data[at + a5]!, b = data[at + b5]!, c = data[at + c5]!, d = data[at + d5]!;
      v = p5 * a + q5 * b + r5 * c + s5 * d - centre;
      if (v > 1e-3 || (v >= -1e-3 && tieAtLeast(a, b, c, d, t5, centre))) code |= 32;
      a = data[at + a7]!, b = data[at + b7]!, c = data[at + c7]!, d = data[at + d7]!;
      v = p7 * a + q7 * b + r7 * c + s7 * d - centre;
      if (v > 1e-3 || (v >= -1e-3 && tieAtLeast(a, b, c, d, t7, centre))) code |= 128;
      codes[out] = code;
    }
  }
}

/**
 * The offset of the only tap that matters when one weight is 1 and the others are so small
 * (like cos(pi/2) ~ 6e-17) that they cannot move t by a float32 ulp; else undefined. With
 * non-negative weights t is then >= that pixel and < pixel + 1e-6, so `t >= centre` holds
 * exactly when `pixel >= centre`, for integer pixels.
 */
function exactTap(taps: [number, number][]): number | undefined {
  const main = taps.find(([weight]) => weight === 1);
  if (main === undefined) return undefined;
  const rest = taps.reduce((sum, [weight]) => sum + weight, 0) - 1;
  return rest * 255 < 1e-9 ? main[1] : undefined;
}

/** Sets `bit` where the pixel at `offset` from the centre is >= the centre. */
function compareTap(
  data: Uint8Array,
  width: number,
  radius: number,
  w: number,
  h: number,
  offset: number,
  bit: number,
  codes: Int32Array,
): void {
  for (let i = 0, out = 0; i < h; i++) {
    const end = (i + radius) * width + radius + w;
    for (let at = end - w; at < end; at++, out++) {
      if (data[at + offset]! >= data[at]!) codes[out] = codes[out]! | bit;
    }
  }
}

/** Sets `bit` where the bilinear interpolation of four taps is >= the centre (float32). */
function compareInterpolated(
  data: Uint8Array,
  width: number,
  radius: number,
  w: number,
  h: number,
  weights: readonly [number, number, number, number],
  offsets: readonly [number, number, number, number],
  bit: number,
  codes: Int32Array,
): void {
  const [w1, w2, w3, w4] = weights, [o1, o2, o3, o4] = offsets;
  for (let i = 0, out = 0; i < h; i++) {
    const end = (i + radius) * width + radius + w;
    for (let at = end - w; at < end; at++, out++) {
      const a = data[at + o1]!, b = data[at + o2]!, c = data[at + o3]!, d = data[at + o4]!;
      const centre = data[at]!;
      const v = w1 * a + w2 * b + w3 * c + w4 * d - centre;
      if (v > 1e-3 || (v >= -1e-3 && tieAtLeast(a, b, c, d, weights, centre))) {
        codes[out] = codes[out]! | bit;
      }
    }
  }
}
