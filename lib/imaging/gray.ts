/**
 * RGBA to greyscale, bit-exact with OpenCV 4's `cvtColor(..., COLOR_RGB(A)2GRAY)` on 8-bit
 * input: ITU-R BT.601 luma weights (0.299, 0.587, 0.114) in 15-bit fixed point (R 9798,
 * G 19235, B 3735, summing to 2^15) with round-half-up, as in OpenCV's
 * imgproc/src/color_rgb.simd.hpp. (The older 14-bit table, R 4899 / G 9617 / B 1868, differs
 * from cv2 4.6 on about 0.25% of random pixels; checked against 200 000 of them.)
 * @module
 */
import type { Box, GrayImage, RgbaImage } from "./image.ts";

const R2Y = 9798;
const G2Y = 19235;
const B2Y = 3735;
const SHIFT = 15;
const HALF = 1 << (SHIFT - 1);

/**
 * Converts RGBA to 8-bit grey. Alpha is ignored, as OpenCV does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toGray } from "./gray.ts";
 * const g = toGray({ width: 1, height: 1, data: new Uint8Array([255, 0, 0, 255]) });
 * assert.equal(g.data[0], 76); // (255 * 9798 + 16384) >> 15
 * ```
 */
export function toGray(img: RgbaImage): GrayImage {
  const { width, height, data } = img;
  const n = width * height;
  if (data.length !== n * 4) {
    throw new RangeError(
      `expected ${n * 4} RGBA bytes for ${width}x${height}, got ${data.length}`,
    );
  }
  // One flat loop, not toGrayRegion's two nested ones: about 1.5x faster on a whole photo.
  const out = new Uint8Array(n);
  for (let i = 0, p = 0; i < n; i++, p += 4) {
    out[i] = (data[p]! * R2Y + data[p + 1]! * G2Y + data[p + 2]! * B2Y + HALF) >> SHIFT;
  }
  return { width, height, data: out };
}

/**
 * {@link toGray} of one rectangle of `img` only (clamped to the image), pixel for pixel what
 * the same rectangle of `toGray(img)` holds: a face crop of a 24-megapixel photo then costs
 * its own pixels, not the photo's. A box that misses the image gives a 0x0 image.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { toGrayRegion } from "./gray.ts";
 * const img = { width: 2, height: 1, data: new Uint8Array([0, 0, 0, 255, 255, 255, 255, 255]) };
 * assert.deepEqual(toGrayRegion(img, { x: 1, y: 0, width: 5, height: 5 }).data, new Uint8Array([255]));
 * ```
 */
export function toGrayRegion(img: RgbaImage, box: Box): GrayImage {
  const { width, height, data } = img;
  if (data.length !== width * height * 4) {
    throw new RangeError(
      `expected ${width * height * 4} RGBA bytes for ${width}x${height}, got ${data.length}`,
    );
  }
  const x0 = Math.max(0, Math.floor(box.x)), y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(width, Math.floor(box.x + box.width));
  const y1 = Math.min(height, Math.floor(box.y + box.height));
  const w = Math.max(0, x1 - x0), h = Math.max(0, y1 - y0);
  const out = new Uint8Array(w * h);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0, p = ((y0 + y) * width + x0) * 4; x < w; x++, i++, p += 4) {
      out[i] = (data[p]! * R2Y + data[p + 1]! * G2Y + data[p + 2]! * B2Y + HALF) >> SHIFT;
    }
  }
  return { width: w, height: h, data: out };
}
