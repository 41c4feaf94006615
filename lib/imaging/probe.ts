/**
 * Image size from the header alone.
 * @module
 */
import { readHeader } from "./_header.ts";
import type { ImageFormat } from "./image.ts";

/** What {@link probeImage} learns from a header. */
export interface ImageInfo {
  /** The container format. */
  format: ImageFormat;
  /** Width in pixels, as the header declares it. */
  width: number;
  /** Height in pixels, as the header declares it. */
  height: number;
}

/**
 * Reads only the header of an encoded image (PNG IHDR, the JPEG marker walk up to SOFn, the
 * GIF logical screen, WebP's VP8/VP8L/VP8X chunk, a Netpbm header) and returns its format
 * and declared size without decoding pixels.
 *
 * @throws {ImageError} `unreadable` for bytes that are not a known image or whose header
 * is cut short, `unsupported` for a variant we cannot decode (e.g. lossless JPEG).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { probeImage } from "./probe.ts";
 * const gif = new Uint8Array([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 3, 0, 2, 0]);
 * const info = probeImage(gif);
 * assert.deepEqual(info, { format: "gif", width: 3, height: 2 });
 * ```
 */
export function probeImage(bytes: Uint8Array): ImageInfo {
  const { format, width, height } = readHeader(bytes);
  return { format, width, height };
}
