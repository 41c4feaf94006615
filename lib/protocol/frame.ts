/**
 * The fixed frame header and whole-frame helpers. Layout (docs/PROTOCOL.md §2), all
 * big-endian:
 *
 * | offset | size | field                                  |
 * |-------:|-----:|----------------------------------------|
 * |      0 |    2 | magic `0x46 0x52` ("FR")               |
 * |      2 |    1 | protocol version, 1                    |
 * |      3 |    1 | kind: op id; `op \| 0x80` for a reply  |
 * |      4 |    2 | flags, 0 (reserved)                    |
 * |      6 |    4 | body length in bytes                   |
 *
 * @module
 */

import { ProtocolError } from "./errors.ts";
import { type CodecOptions, type Limits, resolveLimits } from "./limits.ts";

/** The two magic bytes, "FR". */
export const MAGIC = 0x4652;
/** The only protocol version this code speaks. */
export const PROTOCOL_VERSION = 1;
/** Size of the fixed header. */
export const HEADER_BYTES = 10;
/** Set in the kind byte of every response. */
export const RESPONSE_BIT = 0x80;

/** One frame with its header checked: the kind byte and the raw TLV body. */
export interface Frame {
  /** Header byte 3: the op id, with {@link RESPONSE_BIT} set on responses. */
  readonly kind: number;
  /** The TLV body, exactly as long as the header declared. */
  readonly body: Uint8Array;
}

/** A checked header. */
export interface FrameHeader {
  readonly kind: number;
  readonly bodyLength: number;
}

function hex(value: number, digits: number): string {
  return `0x${value.toString(16).padStart(digits, "0")}`;
}

/**
 * Checks the header bytes that have arrived so far, each as soon as it is in: the magic
 * once 2 bytes are in, the version at 3, the flags at 6. A peer that is not speaking this
 * protocol is refused without waiting for the rest of a header it may never send.
 *
 * @throws {ProtocolError} (fatal, `badRequest`) on a bad magic or version, without an op
 * (the kind byte means nothing then), or on non-zero flags, with the op of the kind byte.
 */
export function checkHeaderStart(bytes: Uint8Array, filled: number): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, Math.min(filled, HEADER_BYTES));
  if (filled >= 2) {
    const magic = view.getUint16(0);
    if (magic !== MAGIC) {
      throw new ProtocolError(
        `bad magic ${hex(magic, 4)}, expected ${hex(MAGIC, 4)} ("FR"); not a facerec peer?`,
        { fatal: true },
      );
    }
  }
  if (filled >= 3) {
    const version = view.getUint8(2);
    if (version !== PROTOCOL_VERSION) {
      throw new ProtocolError(
        `unsupported protocol version ${version}, expected ${PROTOCOL_VERSION}`,
        { fatal: true },
      );
    }
  }
  if (filled >= 6) {
    const flags = view.getUint16(4);
    if (flags !== 0) {
      throw new ProtocolError(`unknown header flags ${hex(flags, 4)}, expected 0x0000`, {
        fatal: true,
        op: view.getUint8(3) & ~RESPONSE_BIT,
      });
    }
  }
}

/**
 * The op of a frame whose first `filled` header bytes are in and passed
 * {@link checkHeaderStart}: the kind byte without the response bit, once it has arrived
 * behind a good magic and version; `undefined` before that. Error replies about the frame
 * carry it (docs/PROTOCOL.md §5.8).
 */
export function opOfHeaderStart(bytes: Uint8Array, filled: number): number | undefined {
  return filled >= 4 ? bytes[3]! & ~RESPONSE_BIT : undefined;
}

/**
 * Checks the first {@link HEADER_BYTES} of `bytes` and bounds the declared body length.
 * Every failure is fatal: once a header is wrong, frame boundaries are lost.
 *
 * @throws {ProtocolError} on a bad magic, version or flags (`badRequest`), or a body over
 * `limits.maxBodyBytes` (`tooLarge`), checked in that order.
 */
export function readHeader(bytes: Uint8Array, limits: Limits): FrameHeader {
  checkHeaderStart(bytes, bytes.length);
  if (bytes.length < HEADER_BYTES) {
    throw new ProtocolError(
      `truncated frame header: expected ${HEADER_BYTES} bytes, got ${bytes.length}`,
      { fatal: true, op: opOfHeaderStart(bytes, bytes.length) },
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const kind = view.getUint8(3);
  const bodyLength = view.getUint32(6);
  if (bodyLength > limits.maxBodyBytes) {
    throw new ProtocolError(
      `frame body of ${bodyLength} bytes exceeds the limit of ${limits.maxBodyBytes}`,
      { status: "tooLarge", fatal: true, op: kind & ~RESPONSE_BIT },
    );
  }
  return { kind, bodyLength };
}

/** Writes a header for `kind` and `bodyLength` into the first bytes of `target`. */
export function writeHeader(target: Uint8Array, kind: number, bodyLength: number): void {
  const view = new DataView(target.buffer, target.byteOffset, HEADER_BYTES);
  view.setUint16(0, MAGIC);
  view.setUint8(2, PROTOCOL_VERSION);
  view.setUint8(3, kind);
  view.setUint16(4, 0);
  view.setUint32(6, bodyLength);
}

/**
 * Parses bytes that must hold exactly one frame, as produced by `encodeRequest` or
 * `encodeResponse`. The body is a view into `bytes`, not a copy.
 *
 * @throws {ProtocolError} on a bad header, a short body, or trailing bytes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseFrame } from "./frame.ts";
 *
 * const frame = parseFrame(new Uint8Array([0x46, 0x52, 1, 3, 0, 0, 0, 0, 0, 0]));
 * assert.equal(frame.kind, 3);
 * assert.equal(frame.body.length, 0);
 * ```
 */
export function parseFrame(bytes: Uint8Array, options?: CodecOptions): Frame {
  const { kind, bodyLength } = readHeader(bytes, resolveLimits(options));
  const total = HEADER_BYTES + bodyLength;
  if (bytes.length < total) {
    throw new ProtocolError(
      `truncated frame: header declares ${bodyLength} body bytes, got ${
        bytes.length - HEADER_BYTES
      }`,
      { fatal: true, op: kind & ~RESPONSE_BIT },
    );
  }
  if (bytes.length > total) {
    throw new ProtocolError(
      `${bytes.length - total} trailing bytes after a frame of ${total} bytes`,
      { fatal: true, op: kind & ~RESPONSE_BIT },
    );
  }
  return { kind, body: bytes.subarray(HEADER_BYTES, total) };
}
