/**
 * Integer-factor box downscaling of RGBA in plain TypeScript, so that a huge photo can be
 * reduced before it is copied onto the OpenCV-WASM heap (which never shrinks: a 6000x4000
 * RGBA copy would keep 96 MB of it for the worker's life).
 *
 * For a whole factor k, averaging k x k blocks is what `cv.resize(..., INTER_AREA)` does,
 * and the rounding here is OpenCV's too, so the result is bit-exact: its 2x path rounds
 * halves up ((sum + 2) >> 2); other factors multiply by the float32 `1 / k²` and round to
 * nearest, ties to even (`saturate_cast<uchar>(sum * scale)` in resizeAreaFast_).
 * @module
 */
import type { RgbaImage } from "./image.ts";

/**
 * Averages each k x k block of `img` into one pixel, rounded as OpenCV does. The result is
 * `floor(width / k)` x `floor(height / k)`; the last `width % k` columns and `height % k` rows,
 * fewer than k pixels, are dropped, so output pixel (i, j) covers source pixels
 * [k·i, k·i + k) x [k·j, k·j + k) exactly.
 */
export function shrinkRgba(img: RgbaImage, k: number): RgbaImage {
  const width = Math.floor(img.width / k), height = Math.floor(img.height / k);
  if (!(Number.isInteger(k) && k >= 1 && width >= 1 && height >= 1)) {
    throw new RangeError(
      `expected an integer factor in 1..${Math.min(img.width, img.height)}, got ${k}`,
    );
  }
  if (img.data.length !== img.width * img.height * 4) {
    throw new RangeError(
      `expected ${img.width * img.height * 4} RGBA bytes for ${img.width}x${img.height}, ` +
        `got ${img.data.length}`,
    );
  }
  const src = img.data, stride = img.width * 4;
  const out = new Uint8Array(width * height * 4);
  const acc = new Uint32Array(width * 4);
  const area = k * k;
  const scale = Math.fround(1 / area);
  const round = (sum: number) => {
    if (k === 2) return (sum + 2) >> 2;
    const v = Math.fround(sum * scale), f = Math.floor(v), d = v - f;
    return d > 0.5 || (d === 0.5 && (f & 1) === 1) ? f + 1 : f;
  };
  // Every possible block sum, rounded once: a table lookup per sample is cheaper than the
  // float rounding (and the table is small for the factors detection uses).
  const table = new Uint8Array(255 * area + 1);
  for (let sum = 0; sum < table.length; sum++) table[sum] = round(sum);
  for (let j = 0; j < height; j++) {
    acc.fill(0);
    for (let r = j * k; r < j * k + k; r++) {
      let p = r * stride;
      for (let i = 0, a = 0; i < width; i++, a += 4) {
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let c = 0; c < k; c++, p += 4) {
          s0 += src[p]!;
          s1 += src[p + 1]!;
          s2 += src[p + 2]!;
          s3 += src[p + 3]!;
        }
        acc[a] = acc[a]! + s0;
        acc[a + 1] = acc[a + 1]! + s1;
        acc[a + 2] = acc[a + 2]! + s2;
        acc[a + 3] = acc[a + 3]! + s3;
      }
    }
    const o = j * width * 4;
    for (let a = 0; a < width * 4; a++) out[o + a] = table[acc[a]!]!;
  }
  return { width, height, data: out };
}
