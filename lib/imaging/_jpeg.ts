/**
 * JPEG to RGBA through jpeg-js (baseline and progressive Huffman; CMYK/YCCK via Adobe
 * markers). Pixels come out in stored order; decode.ts applies the EXIF orientation.
 * @module
 */
import jpeg from "jpeg-js";
import type { GrayImage, RgbaImage } from "./image.ts";
import { decodeJpegLumaExact } from "./_jpeg_luma.ts";

/** Decodes a JPEG file to RGBA. Limits are enforced by the caller before this runs. */
export function decodeJpegRgba(bytes: Uint8Array, maxPixels: number): RgbaImage {
  const img = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    // A cut-off scan must be an error, not a half-grey image that detection then runs on.
    tolerantDecoding: false,
    maxResolutionInMP: Math.max(1, maxPixels / 1e6),
    maxMemoryUsageInMB: 1024,
  });
  return { width: img.width, height: img.height, data: img.data };
}

/**
 * Decodes only the luma of a YCbCr or greyscale JPEG (no colour conversion), as libjpeg's
 * greyscale output does for `cv2.imread(path, IMREAD_GRAYSCALE)`: bit-exact through our own
 * decoder ({@link decodeJpegLumaExact}); for the few codings it declines (arithmetic, luma
 * subsampled, missing Huffman tables...), through jpeg-js, within 1 grey level.
 */
export function decodeJpegLuma(bytes: Uint8Array, maxPixels: number): GrayImage {
  const exact = decodeJpegLumaExact(bytes, maxPixels);
  if (exact !== undefined) return exact;
  const img = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    colorTransform: false,
    tolerantDecoding: false,
    maxResolutionInMP: Math.max(1, maxPixels / 1e6),
    maxMemoryUsageInMB: 1024,
  });
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = img.data[i * 3]!;
  return { width: img.width, height: img.height, data: out };
}
