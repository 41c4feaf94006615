/**
 * Netpbm greymap/pixmap raster decoder (netpbm.sourceforge.net/doc/pgm.html, ppm.html):
 * binary P5/P6 and plain (ASCII) P2/P3, any maxval up to 65535, brought to 8 bits as
 * OpenCV 4.6's PxM reader does (so that `cv2.imread` and we see the same pixels):
 * - 16-bit samples (maxval > 255) keep their high byte, whatever the maxval;
 * - binary 8-bit samples are taken as they are, even when maxval is below 255;
 * - plain 8-bit samples are clamped to maxval and rescaled, floor(v * 255 / maxval).
 * @module
 */
import { ImageError } from "./errors.ts";
import { readPnmHeader } from "./_header.ts";

/** A decoded Netpbm raster: one channel for P2/P5, interleaved RGB for P3/P6. */
export interface PnmRaster {
  width: number;
  height: number;
  channels: 1 | 3;
  data: Uint8Array;
}

/** Plain 8-bit samples: clamped, then rescaled by integer division (cv2's palette). */
function plainScale(maxval: number): Uint8Array {
  const table = new Uint8Array(256);
  for (let v = 0; v < 256; v++) table[v] = Math.floor((Math.min(v, maxval) * 255) / maxval);
  return table;
}

/** Decodes a Netpbm P2/P3/P5/P6 file. Throws ImageError "unreadable" on a short raster. */
export function decodePnm(bytes: Uint8Array): PnmRaster {
  const { magic, width, height, maxval, dataOffset } = readPnmHeader(bytes);
  const channels = magic === "P3" || magic === "P6" ? 3 : 1;
  const count = width * height * channels;
  const out = new Uint8Array(count);
  const wide = maxval > 255;
  if (magic === "P5" || magic === "P6") {
    const sampleBytes = wide ? 2 : 1;
    const need = count * sampleBytes;
    const got = bytes.length - dataOffset;
    if (got < need) {
      throw new ImageError(
        "unreadable",
        `truncated ${magic} raster: expected ${need} bytes for ${width}x${height}, got ${got}`,
      );
    }
    if (!wide) out.set(bytes.subarray(dataOffset, dataOffset + count));
    else for (let i = 0, at = dataOffset; i < count; i++, at += 2) out[i] = bytes[at]!;
    return { width, height, channels, data: out };
  }
  // Plain format: whitespace-separated decimal samples.
  const table = wide ? undefined : plainScale(maxval);
  let at = dataOffset;
  for (let i = 0; i < count; i++) {
    while (at < bytes.length) {
      const c = bytes[at] ?? 0;
      if (c === 0x23) {
        while (at < bytes.length && bytes[at] !== 0x0a && bytes[at] !== 0x0d) at++;
      } else if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) at++;
      else if (c >= 0x30 && c <= 0x39) break;
      else {
        throw new ImageError(
          "unreadable",
          `${magic} raster: expected a decimal sample at byte ${at}, got 0x${c.toString(16)}`,
        );
      }
    }
    if (at >= bytes.length) {
      throw new ImageError(
        "unreadable",
        `truncated ${magic} raster: expected ${count} samples for ${width}x${height}, got ${i}`,
      );
    }
    let v = 0;
    while (at < bytes.length && (bytes[at] ?? 0) >= 0x30 && (bytes[at] ?? 0) <= 0x39) {
      v = Math.min(v * 10 + ((bytes[at] ?? 0) - 0x30), 65535);
      at++;
    }
    out[i] = table ? table[Math.min(v, 255)]! : Math.min(v, 65535) >> 8;
  }
  return { width, height, channels, data: out };
}
