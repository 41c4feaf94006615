/**
 * A pure, push-driven frame splitter: bytes in, whole frames out, no I/O. Chunk
 * boundaries may fall anywhere, down to one byte per chunk.
 *
 * @module
 */

import { ProtocolError } from "./errors.ts";
import {
  checkHeaderStart,
  type Frame,
  HEADER_BYTES,
  opOfHeaderStart,
  readHeader,
} from "./frame.ts";
import { type CodecOptions, type Limits, resolveLimits } from "./limits.ts";

/** Bodies grow from here, so a header that lies about its length costs little memory. */
const INITIAL_BODY_CAPACITY = 64 * 1024;

/**
 * Splits a byte stream into frames.
 *
 * Each header byte is checked as soon as it arrives (magic, version, flags), and the
 * declared body length is checked against `maxBodyBytes` as soon as the 10 header bytes are
 * in, before any body memory is taken; the body buffer then grows with the bytes that
 * actually arrive. After any error the reader is poisoned and rethrows it.
 *
 * @example Feed chunks, then tell a clean end from a cut
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeRequest, FrameReader } from "./mod.ts";
 *
 * const bytes = encodeRequest({ op: "list" });
 * const reader = new FrameReader();
 * assert.deepEqual(reader.push(bytes.subarray(0, 4)), []);
 * const [frame] = reader.push(bytes.subarray(4));
 * assert.equal(frame?.kind, 3);
 * reader.end(); // no partial frame left: a clean end
 * ```
 */
export class FrameReader {
  #limits: Limits;
  #header = new Uint8Array(HEADER_BYTES);
  #headerFill = 0;
  #kind = 0;
  /** Declared body length of the frame being read; -1 while reading a header. */
  #bodyLength = -1;
  #body = new Uint8Array(0);
  #bodyFill = 0;
  #error: ProtocolError | undefined;
  #ended = false;

  /** Only `maxBodyBytes` matters here; the other caps apply when a body is decoded. */
  constructor(options?: CodecOptions) {
    this.#limits = resolveLimits(options);
  }

  /** True when bytes of an incomplete frame are buffered. */
  get midFrame(): boolean {
    return this.#headerFill > 0;
  }

  /**
   * The op id of the incomplete frame (its kind byte without the response bit), once that
   * byte has arrived behind a good magic and version; `undefined` otherwise. An error reply
   * about the frame (a timeout, a cut) carries it.
   */
  get pendingOp(): number | undefined {
    return opOfHeaderStart(this.#header, this.#headerFill);
  }

  /**
   * Takes the next bytes of the stream and returns the frames they complete, in order.
   * The reader copies what it keeps, so the caller may reuse `chunk`.
   *
   * @throws {ProtocolError} (fatal) on a bad header or an over-cap body length.
   * @throws {TypeError} after {@link FrameReader.end}.
   */
  push(chunk: Uint8Array): Frame[] {
    if (this.#error !== undefined) throw this.#error;
    if (this.#ended) throw new TypeError("FrameReader.push() called after end()");
    const frames: Frame[] = [];
    let offset = 0;
    try {
      while (offset < chunk.length) {
        if (this.#bodyLength < 0) {
          const take = Math.min(HEADER_BYTES - this.#headerFill, chunk.length - offset);
          this.#header.set(chunk.subarray(offset, offset + take), this.#headerFill);
          this.#headerFill += take;
          offset += take;
          if (this.#headerFill < HEADER_BYTES) {
            checkHeaderStart(this.#header, this.#headerFill);
            break;
          }
          const { kind, bodyLength } = readHeader(this.#header, this.#limits);
          this.#kind = kind;
          this.#bodyLength = bodyLength;
          this.#body = new Uint8Array(Math.min(bodyLength, INITIAL_BODY_CAPACITY));
          this.#bodyFill = 0;
        } else {
          const take = Math.min(this.#bodyLength - this.#bodyFill, chunk.length - offset);
          this.#reserve(this.#bodyFill + take);
          this.#body.set(chunk.subarray(offset, offset + take), this.#bodyFill);
          this.#bodyFill += take;
          offset += take;
        }
        if (this.#bodyLength >= 0 && this.#bodyFill === this.#bodyLength) {
          frames.push({ kind: this.#kind, body: this.#body });
          this.#headerFill = 0;
          this.#bodyLength = -1;
          this.#body = new Uint8Array(0);
          this.#bodyFill = 0;
        }
      }
    } catch (error) {
      if (error instanceof ProtocolError) this.#error = error;
      throw error;
    }
    return frames;
  }

  /**
   * Marks the end of the stream.
   *
   * @throws {ProtocolError} (fatal) when the stream stopped inside a frame.
   */
  end(): void {
    if (this.#error !== undefined) throw this.#error;
    this.#ended = true;
    if (this.#headerFill === 0) return;
    const op = this.pendingOp;
    const detail = this.#bodyLength < 0
      ? `${this.#headerFill} of ${HEADER_BYTES} header bytes`
      : `${this.#bodyFill} of ${this.#bodyLength} body bytes`;
    this.#error = new ProtocolError(`stream ended inside a frame after ${detail}`, {
      fatal: true,
      op,
    });
    throw this.#error;
  }

  /** Grows the body buffer geometrically, never past the declared length. */
  #reserve(needed: number): void {
    if (needed <= this.#body.length) return;
    const capacity = Math.min(this.#bodyLength, Math.max(needed, this.#body.length * 2));
    const grown = new Uint8Array(capacity);
    grown.set(this.#body.subarray(0, this.#bodyFill));
    this.#body = grown;
  }
}
