/**
 * RGBA to PNG or JPEG bytes, for annotated replies and files the demo writes.
 * @module
 */
import { encode as encodePngData } from "fast-png";
import jpeg from "jpeg-js";
import type { GrayImage, RgbaImage, RgbImage } from "./image.ts";

function checkRgba(img: RgbaImage): void {
  const { width, height, data } = img;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`expected positive integer image dimensions, got ${width}x${height}`);
  }
  if (data.length !== width * height * 4) {
    throw new RangeError(
      `expected ${width * height * 4} RGBA bytes for ${width}x${height}, got ${data.length}`,
    );
  }
}

/**
 * Encodes RGBA as an 8-bit RGBA PNG (lossless).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodePng } from "./encode.ts";
 * const png = encodePng({ width: 1, height: 1, data: new Uint8Array([1, 2, 3, 255]) });
 * assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
 * ```
 */
export function encodePng(img: RgbaImage): Uint8Array {
  checkRgba(img);
  return encodePngData({
    width: img.width,
    height: img.height,
    data: img.data,
    depth: 8,
    channels: 4,
  });
}

/**
 * Encodes RGB (3 bytes per pixel) as an 8-bit RGB PNG (lossless): how the gallery keeps
 * aligned face chips.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeImage } from "./decode.ts";
 * import { encodeRgbPng } from "./encode.ts";
 * const png = encodeRgbPng({ width: 1, height: 1, data: Uint8Array.of(10, 20, 30) });
 * assert.deepEqual(decodeImage(png).data, Uint8Array.of(10, 20, 30, 255));
 * ```
 */
export function encodeRgbPng(img: RgbImage): Uint8Array {
  const { width, height, data } = img;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`expected positive integer image dimensions, got ${width}x${height}`);
  }
  if (data.length !== width * height * 3) {
    throw new RangeError(
      `expected ${width * height * 3} RGB bytes for ${width}x${height}, got ${data.length}`,
    );
  }
  return encodePngData({ width, height, data, depth: 8, channels: 3 });
}

/**
 * Encodes an 8-bit grey image as a one-channel PNG (lossless): how a stored face crop is
 * exported.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeImage } from "./decode.ts";
 * import { encodeGrayPng } from "./encode.ts";
 * const png = encodeGrayPng({ width: 2, height: 1, data: Uint8Array.of(0, 200) });
 * assert.deepEqual(decodeImage(png).data, Uint8Array.of(0, 0, 0, 255, 200, 200, 200, 255));
 * ```
 */
export function encodeGrayPng(img: GrayImage): Uint8Array {
  const { width, height, data } = img;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`expected positive integer image dimensions, got ${width}x${height}`);
  }
  if (data.length !== width * height) {
    throw new RangeError(
      `expected ${width * height} grey bytes for ${width}x${height}, got ${data.length}`,
    );
  }
  return encodePngData({ width, height, data, depth: 8, channels: 1 });
}

/** Drops the alpha channel. */
export function rgbaToRgb(img: RgbaImage): RgbImage {
  const n = img.width * img.height;
  const out = new Uint8Array(n * 3);
  for (let i = 0, j = 0; i < n * 4; i += 4, j += 3) {
    out[j] = img.data[i]!;
    out[j + 1] = img.data[i + 1]!;
    out[j + 2] = img.data[i + 2]!;
  }
  return { width: img.width, height: img.height, data: out };
}

/** Adds an opaque alpha channel. */
export function rgbToRgba(img: RgbImage): RgbaImage {
  const n = img.width * img.height;
  const out = new Uint8Array(n * 4);
  for (let i = 0, j = 0; j < n * 3; i += 4, j += 3) {
    out[i] = img.data[j]!;
    out[i + 1] = img.data[j + 1]!;
    out[i + 2] = img.data[j + 2]!;
    out[i + 3] = 255;
  }
  return { width: img.width, height: img.height, data: out };
}

/**
 * Encodes RGBA as a baseline JPEG; alpha is dropped. `quality` is 1..100.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeJpeg } from "./encode.ts";
 * const jpg = encodeJpeg({ width: 8, height: 8, data: new Uint8Array(256).fill(200) }, 80);
 * assert.deepEqual([...jpg.subarray(0, 2)], [0xff, 0xd8]); // SOI
 * ```
 */
export function encodeJpeg(img: RgbaImage, quality = 90): Uint8Array {
  checkRgba(img);
  if (!(Number.isInteger(quality) && quality >= 1 && quality <= 100)) {
    throw new RangeError(`expected JPEG quality as an integer in 1..100, got ${quality}`);
  }
  const out = jpeg.encode({ width: img.width, height: img.height, data: img.data }, quality);
  return new Uint8Array(out.data.buffer, out.data.byteOffset, out.data.byteLength);
}
