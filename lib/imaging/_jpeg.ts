/**
 * JPEG to RGBA through jpeg-js (baseline and progressive Huffman; CMYK/YCCK via Adobe
 * markers). EXIF orientation is not applied: pixels come out in stored order.
 * @module
 */
import jpeg from "jpeg-js";
import type { RgbaImage } from "./image.ts";

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
