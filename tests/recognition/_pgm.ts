/**
 * Test helper: a minimal binary PGM (P5, 8-bit) reader, enough for ORL.
 * @module
 */
import type { FaceImage } from "../../lib/recognition/mod.ts";

/** Decodes an 8-bit binary PGM. */
export function decodePgm(bytes: Uint8Array): FaceImage {
  let pos = 0;
  const token = (): string => {
    for (;;) {
      while (pos < bytes.length && /\s/.test(String.fromCharCode(bytes[pos]!))) pos++;
      if (bytes[pos] !== 0x23) break; // '#': comment to end of line
      while (pos < bytes.length && bytes[pos] !== 0x0a) pos++;
    }
    const start = pos;
    while (pos < bytes.length && !/\s/.test(String.fromCharCode(bytes[pos]!))) pos++;
    return new TextDecoder().decode(bytes.subarray(start, pos));
  };
  const magic = token();
  const width = Number(token()), height = Number(token()), max = Number(token());
  if (magic !== "P5" || max > 255) {
    throw new TypeError(`decodePgm: expected an 8-bit P5 file, got ${magic} with max ${max}`);
  }
  pos++; // the single whitespace byte after maxval
  return { width, height, data: bytes.slice(pos, pos + width * height) };
}
