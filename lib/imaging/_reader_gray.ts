/**
 * Colour-to-grey as the native reference's readers do it, where that is not OpenCV's
 * `cvtColor` ({@link toGray}):
 * - PNG: `cv2.imread(path, IMREAD_GRAYSCALE)` asks libpng for `png_set_rgb_to_gray(0.299,
 *   0.587)`. libpng 1.6 (pngrtran.c) turns those into 15-bit weights by truncation (R 9797,
 *   G 19234, B 3737) and truncates the sum. When the file declares a significant gamma (gAMA
 *   or sRGB), it mixes in linear light instead, through 8-bit gamma tables, rounding the sum.
 * - GIF: cv2 cannot read GIF, so the native tool falls back to PIL's `convert("L")`:
 *   weights 19595/38470/7471 in 16-bit fixed point, rounded (libImaging/Convert.c).
 * Greys (R = G = B) pass through unchanged in both. Checked byte for byte against cv2 and
 * PIL in tests/imaging/reader_gray_test.ts.
 * @module
 */
import type { GrayImage, RgbaImage } from "./image.ts";
import { pngChunks } from "./_png_chunks.ts";

/** PNG's fixed-point unit for gamma (gAMA stores gamma x 100000). */
const PNG_FP_1 = 100000;
/** libpng's PNG_GAMMA_sRGB_INVERSE: what an sRGB chunk means for gamma. */
const SRGB_GAMMA = 45455;

/**
 * The file gamma a PNG declares (x 100000) in an sRGB or gAMA chunk before its image data,
 * or undefined. Chunk walking is bounded by the buffer; a malformed chunk list just ends
 * the search (the decoder reports corruption).
 */
export function readPngGamma(bytes: Uint8Array): number | undefined {
  let gamma: number | undefined;
  for (const { type, length, data } of pngChunks(bytes)) {
    if (type === "IDAT" || type === "IEND") break;
    if (type === "sRGB") return SRGB_GAMMA; // wins over gAMA, as in libpng
    if (type === "gAMA" && length === 4 && data.length === 4) {
      gamma = new DataView(data.buffer, data.byteOffset, 4).getUint32(0);
    }
  }
  return gamma === 0 ? undefined : gamma;
}

function significant(gamma: number): boolean {
  return gamma < PNG_FP_1 - 5000 || gamma > PNG_FP_1 + 5000; // PNG_GAMMA_THRESHOLD_FIXED
}

/** libpng's png_reciprocal: 1/a in PNG fixed point, rounded. */
function reciprocal(a: number): number {
  return Math.floor(1e10 / a + 0.5);
}

/** libpng's png_build_8bit_table: value -> 255 * (value / 255) ^ (gamma / 100000). */
function gammaTable(gamma: number): Uint8Array {
  const table = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    table[i] = i === 0 || i === 255 || !significant(gamma)
      ? i
      : Math.floor(255 * Math.pow(i / 255, gamma * 1e-5) + 0.5);
  }
  return table;
}

/** Grey as libpng's rgb_to_gray makes it for OpenCV, for a PNG of file gamma `gamma`. */
export function pngGray(img: RgbaImage, gamma: number | undefined): GrayImage {
  const { width, height, data } = img;
  const out = new Uint8Array(width * height);
  const RC = 9797, GC = 19234, BC = 32768 - RC - GC;
  if (gamma === undefined || !significant(gamma)) {
    for (let i = 0, p = 0; i < out.length; i++, p += 4) {
      const r = data[p]!, g = data[p + 1]!, b = data[p + 2]!;
      out[i] = r === g && g === b ? r : (RC * r + GC * g + BC * b) >> 15;
    }
    return { width, height, data: out };
  }
  // libpng assumes a screen gamma that undoes the file's, so greys stay as they are.
  const toLinear = gammaTable(reciprocal(gamma));
  const fromLinear = gammaTable(reciprocal(reciprocal(gamma)));
  for (let i = 0, p = 0; i < out.length; i++, p += 4) {
    const r = data[p]!, g = data[p + 1]!, b = data[p + 2]!;
    out[i] = r === g && g === b
      ? r
      : fromLinear[(RC * toLinear[r]! + GC * toLinear[g]! + BC * toLinear[b]! + 16384) >> 15]!;
  }
  return { width, height, data: out };
}

/** Grey as PIL's `Image.convert("L")` makes it (the native tool's GIF reader). */
export function pilGray(img: RgbaImage): GrayImage {
  const { width, height, data } = img;
  const out = new Uint8Array(width * height);
  for (let i = 0, p = 0; i < out.length; i++, p += 4) {
    out[i] = (data[p]! * 19595 + data[p + 1]! * 38470 + data[p + 2]! * 7471 + 0x8000) >>> 16;
  }
  return { width, height, data: out };
}
