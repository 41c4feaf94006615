/**
 * A guard against decompression bombs: a few KB of zlib data (RFC 1950/1951) can inflate to
 * gigabytes, and the PNG and TIFF libraries we use inflate whatever they are given before
 * looking at the size. This inflates first with a cap on the output (node:zlib stops as soon
 * as the cap is passed), so the cost of a bomb is bounded by what the image could need.
 * @module
 */
import { inflateSync } from "node:zlib";
import { ImageError } from "./errors.ts";

/**
 * Throws `ImageError("unreadable")` when `compressed` inflates past `limit` bytes. Corrupt
 * streams are left for the decoder to report in its own words.
 */
export function checkInflatedSize(compressed: Uint8Array, limit: number, what: string): void {
  try {
    inflateSync(compressed, { maxOutputLength: Math.max(1, Math.ceil(limit)) });
  } catch (e) {
    if ((e as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
      throw new ImageError(
        "unreadable",
        `${what} inflates past ${Math.ceil(limit)} bytes, more than its declared size needs ` +
          "(a decompression bomb?)",
        { cause: e },
      );
    }
  }
}
