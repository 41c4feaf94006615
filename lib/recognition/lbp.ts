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
  readonly width: number;
  readonly height: number;
  readonly codes: Int32Array;
}

const FLT_EPSILON = 2 ** -23;
const f = Math.fround;

/**
 * LBP codes of every pixel at least `radius` from the border.
 *
 * @example
 * ```ts
 * import { lbpCodes } from "./lbp.ts";
 * // Only the right neighbour (bit 0) and the one below (bit 6) are >= the centre.
 * const patch = { width: 3, height: 3, data: Uint8Array.of(1, 1, 1, 1, 5, 9, 1, 7, 1) };
 * console.assert(lbpCodes(patch).codes[0] === 0b1000001);
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
  for (let n = 0; n < neighbors; n++) {
    const angle = 2 * Math.PI * n / neighbors;
    const x = f(radius * Math.cos(angle)), y = f(-radius * Math.sin(angle));
    const fx = Math.floor(x), fy = Math.floor(y), cx = Math.ceil(x), cy = Math.ceil(y);
    const ty = f(y - fy), tx = f(x - fx);
    const w1 = f(f(1 - tx) * f(1 - ty)), w2 = f(tx * f(1 - ty));
    const w3 = f(f(1 - tx) * ty), w4 = f(tx * ty);
    const bit = 1 << n;
    // Offsets of the four interpolation taps relative to the centre pixel.
    // `| 0` keeps them small integers (floor/ceil of -0.0 is -0, a double to V8).
    const o1 = (fy * width + fx) | 0, o2 = (fy * width + cx) | 0;
    const o3 = (cy * width + fx) | 0, o4 = (cy * width + cx) | 0;
    const exact = exactTap([[w1, o1], [w2, o2], [w3, o3], [w4, o4]]);
    if (exact !== undefined) compareTap(data, width, radius, w, h, exact, bit, codes);
    else {compareInterpolated(
        data,
        width,
        radius,
        w,
        h,
        [w1, w2, w3, w4],
        [o1, o2, o3, o4],
        bit,
        codes,
      );}
  }
  return { width: w, height: h, codes };
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
      // In float64 first: the float32 result is within 1e-3 of it, so only near-ties need
      // OpenCV's exact float32 sequence.
      const approx = w1 * a + w2 * b + w3 * c + w4 * d - centre;
      if (approx > 1e-3) codes[out] = codes[out]! | bit;
      else if (approx >= -1e-3) {
        const t = f(f(f(f(w1 * a) + f(w2 * b)) + f(w3 * c)) + f(w4 * d));
        if (t > centre || Math.abs(f(t - centre)) < FLT_EPSILON) codes[out] = codes[out]! | bit;
      }
    }
  }
}
