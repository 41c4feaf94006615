/**
 * Walks a PNG's chunk list (ISO/IEC 15948 5.3: length, type, data, CRC) without checking
 * CRCs: for the few ancillary facts read outside the decoder (gamma, EXIF orientation) and
 * the image data's compressed size. Bounded by the buffer: a chunk cut short yields what is
 * there, and a malformed list just ends the walk (the decoder reports corruption).
 * @module
 */

/** One chunk: its type, its data (clamped to the buffer) and its declared length. */
export interface PngChunk {
  readonly type: string;
  readonly data: Uint8Array;
  readonly length: number;
}

/** The chunks after the signature, up to and including IEND. */
export function* pngChunks(bytes: Uint8Array): Generator<PngChunk> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    yield { type, length, data: bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + length)) };
    if (type === "IEND") return;
    at += 12 + length;
  }
}
