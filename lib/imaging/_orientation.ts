/**
 * EXIF orientation, applied as `cv2.imread` does (OpenCV 4.6 `ApplyExifOrientation`, for
 * JPEG and PNG files, not WebP): a phone photo taken sideways stores its pixels sideways
 * and says so in tag 0x0112 of IFD0; detection needs the upright image.
 *
 * Specs: Exif 2.32 (CIPA DC-008) 4.6.4 "Orientation" and 4.5.4 (APP1 "Exif\0\0"), TIFF 6.0
 * section 2 (header and IFD layout), PNG 3rd edition eXIf chunk.
 * @module
 */
import type { ImageFormat } from "./image.ts";
import { pngChunks } from "./_png_chunks.ts";

const ORIENTATION_TAG = 0x0112;
const SHORT = 3;

/** The orientation (1-8) in a TIFF-structured Exif block, or 1 when absent or malformed. */
export function tiffOrientation(tiff: Uint8Array): number {
  if (tiff.length < 8) return 1;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  const order = view.getUint16(0);
  if (order !== 0x4949 && order !== 0x4d4d) return 1;
  const little = order === 0x4949;
  if (view.getUint16(2, little) !== 42) return 1;
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.length) return 1;
  const count = view.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return 1;
    if (view.getUint16(entry, little) !== ORIENTATION_TAG) continue;
    if (view.getUint16(entry + 2, little) !== SHORT) return 1;
    const value = view.getUint16(entry + 8, little);
    return value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

const EXIF_ID = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

/** Orientation from a JPEG's first Exif APP1 segment (markers walked up to SOS). */
function jpegOrientation(bytes: Uint8Array): number {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return 1;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) { // fill byte
      at++;
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return 1; // image data: no Exif before it
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (length < 2) return 1;
    const body = at + 4;
    if (marker === 0xe1 && EXIF_ID.every((b, i) => bytes[body + i] === b)) {
      return tiffOrientation(bytes.subarray(body + 6, Math.min(bytes.length, at + 2 + length)));
    }
    at += 2 + length;
  }
  return 1;
}

/** Orientation from a PNG's eXIf chunk before the image data. */
function pngOrientation(bytes: Uint8Array): number {
  for (const { type, data } of pngChunks(bytes)) {
    if (type === "IDAT" || type === "IEND") return 1;
    if (type === "eXIf") return tiffOrientation(data);
  }
  return 1;
}

/** The EXIF orientation cv2.imread would apply to this file: 1 (none) to 8. */
export function readOrientation(bytes: Uint8Array, format: ImageFormat): number {
  if (format === "jpeg") return jpegOrientation(bytes);
  if (format === "png") return pngOrientation(bytes);
  return 1;
}

/**
 * Turns stored pixels upright for `orientation`, as OpenCV does: 2 flips left-right, 3
 * turns 180 degrees, 4 flips top-bottom, 5 transposes, 6 turns 90 degrees clockwise, 7
 * transposes across the other diagonal, 8 turns 90 degrees anticlockwise.
 */
export function applyOrientation<T extends { width: number; height: number; data: Uint8Array }>(
  img: T,
  orientation: number,
  channels: number,
): T {
  if (!(orientation >= 2 && orientation <= 8)) return img;
  const transpose = orientation >= 5;
  const flipX = orientation === 2 || orientation === 3 || orientation === 6 ||
    orientation === 7;
  const flipY = orientation === 3 || orientation === 4 || orientation === 7 ||
    orientation === 8;
  const width = transpose ? img.height : img.width;
  const height = transpose ? img.width : img.height;
  const src = img.data, out = new Uint8Array(src.length);
  for (let y = 0; y < height; y++) {
    const ty = flipY ? height - 1 - y : y;
    for (let x = 0; x < width; x++) {
      const tx = flipX ? width - 1 - x : x;
      const s = (transpose ? tx * img.width + ty : ty * img.width + tx) * channels;
      const o = (y * width + x) * channels;
      for (let c = 0; c < channels; c++) out[o + c] = src[s + c]!;
    }
  }
  return { ...img, width, height, data: out };
}
