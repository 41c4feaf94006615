/**
 * The facerec model file: a fixed 32-byte header, an algorithm-specific body, and a CRC-32
 * trailer. All integers and floats are little-endian.
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 4 | magic `FRCM` |
 * | 4 | 2 | format version (2; version 1 files are still read) |
 * | 6 | 1 | algorithm id: 1 eigen, 2 fisher, 3 lbph, 4 dnn |
 * | 7 | 1 | flags (0) |
 * | 8 | 4 | image width |
 * | 12 | 4 | image height |
 * | 16 | 4 | training samples |
 * | 20 | 4 | feature dimension (components, or histogram bins for LBPH) |
 * | 24 | 4 | body length in bytes |
 * | 28 | 4 | reserved (0) |
 * | 32 | body length | body |
 * | end-4 | 4 | CRC-32 of every byte before it |
 *
 * @module
 */
import type { Algorithm } from "./recognizer.ts";
import { ByteReader, ByteWriter } from "./_bytes.ts";
import { crc32 } from "./crc32.ts";
import { ModelFileError } from "./errors.ts";

/** The four magic bytes. */
export const MODEL_MAGIC = "FRCM";
/**
 * The format version this code writes. Version 2 added `sampledComponents` to the subspace
 * body; version 1 files are still read (their subspace models report the default).
 */
export const MODEL_VERSION = 2;
/** The oldest format version this code reads. */
export const MIN_MODEL_VERSION = 1;
/** Algorithm ids in the header. */
export const MODEL_ALGORITHM_IDS = {
  eigen: 1,
  fisher: 2,
  lbph: 3,
  dnn: 4,
} as const satisfies Record<
  Algorithm,
  number
>;
const HEADER_BYTES = 32;

/** The header fields of a model file. */
export interface ModelHeader {
  readonly algorithm: Algorithm;
  readonly version: number;
  readonly width: number;
  readonly height: number;
  readonly samples: number;
  readonly dimension: number;
}

/**
 * Serialises a model: the header, the body `writeBody` produces, and the checksum.
 * `bodyBytes`, when given, should be the body's exact size (it only sizes the buffer).
 */
export function encodeModel(
  header: Omit<ModelHeader, "version">,
  writeBody: (body: ByteWriter) => void,
  bodyBytes = 0,
): Uint8Array {
  // With the exact body size known, the file is written into one buffer and never copied.
  const w = new ByteWriter(HEADER_BYTES + bodyBytes + 4);
  w.bytes(new TextEncoder().encode(MODEL_MAGIC));
  w.u16(MODEL_VERSION);
  w.u8(MODEL_ALGORITHM_IDS[header.algorithm]);
  w.u8(0);
  w.u32(header.width);
  w.u32(header.height);
  w.u32(header.samples);
  w.u32(header.dimension);
  w.u32(0); // body length, patched below
  w.u32(0);
  writeBody(w);
  w.setU32(24, w.length - HEADER_BYTES);
  w.u32(crc32(w.written()));
  return w.finish();
}

/**
 * Checks magic, version, algorithm, length and checksum; returns the header and a reader
 * positioned at the body. Every failure is a {@link ModelFileError}.
 */
export function decodeModel(bytes: Uint8Array): { header: ModelHeader; body: ByteReader } {
  const { header, bodyLength } = readHeader(bytes);
  const stored = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    .getUint32(bytes.length - 4, true);
  const actual = crc32(bytes.subarray(0, bytes.length - 4));
  if (stored !== actual) {
    throw new ModelFileError(
      `model file checksum mismatch: expected ${hex(stored)}, got ${hex(actual)} (corrupt file)`,
    );
  }
  return { header, body: new ByteReader(bytes, HEADER_BYTES, HEADER_BYTES + bodyLength) };
}

/** The header alone (magic, version, algorithm and length checked; not the checksum). */
export function readHeader(bytes: Uint8Array): { header: ModelHeader; bodyLength: number } {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`model: expected a Uint8Array, got ${typeof bytes}`);
  }
  const magic = new TextDecoder().decode(bytes.subarray(0, Math.min(4, bytes.length)));
  if (magic !== MODEL_MAGIC) {
    throw new ModelFileError(
      `not a facerec model file: expected magic "${MODEL_MAGIC}", got ${JSON.stringify(magic)}`,
    );
  }
  if (bytes.length < HEADER_BYTES + 4) {
    throw new ModelFileError(
      `not a facerec model file: expected at least ${HEADER_BYTES + 4} bytes, got ${bytes.length}`,
    );
  }
  const r = new ByteReader(bytes, 4, HEADER_BYTES);
  const version = r.u16("version");
  if (version < MIN_MODEL_VERSION || version > MODEL_VERSION) {
    throw new ModelFileError(
      `unsupported model file version: expected ${MIN_MODEL_VERSION} to ${MODEL_VERSION}, ` +
        `got ${version}`,
    );
  }
  const id = r.u8("algorithm");
  const algorithm = (Object.keys(MODEL_ALGORITHM_IDS) as Algorithm[]).find((a) =>
    MODEL_ALGORITHM_IDS[a] === id
  );
  if (algorithm === undefined) {
    throw new ModelFileError(`unknown algorithm id in model file: expected 1 to 4, got ${id}`);
  }
  r.u8("flags");
  const width = r.u32("width"), height = r.u32("height");
  const samples = r.u32("samples"), dimension = r.u32("dimension");
  const bodyLength = r.u32("body length");
  const expectedLength = HEADER_BYTES + bodyLength + 4;
  if (bytes.length !== expectedLength) {
    throw new ModelFileError(
      `model file length: expected ${expectedLength} bytes from its header, got ${bytes.length}`,
    );
  }
  return {
    header: { algorithm, version, width, height, samples, dimension },
    bodyLength,
  };
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, "0")}`;
}
