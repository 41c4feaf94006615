/**
 * Little-endian byte writer and bounds-checked reader for model files.
 * @module
 */
import { ModelFileError } from "./errors.ts";

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Appends little-endian values to a growing buffer. */
export class ByteWriter {
  #buf: Uint8Array;
  #view: DataView;
  #len = 0;

  /** `capacity`: the expected final size (an exact one avoids every copy of a large model). */
  constructor(capacity = 1024) {
    this.#buf = new Uint8Array(Math.max(16, capacity));
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#len;
  }

  #reserve(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  u8(v: number): void {
    this.#reserve(1);
    this.#view.setUint8(this.#len, v);
    this.#len += 1;
  }
  u16(v: number): void {
    this.#reserve(2);
    this.#view.setUint16(this.#len, v, true);
    this.#len += 2;
  }
  u32(v: number): void {
    this.#reserve(4);
    this.#view.setUint32(this.#len, v, true);
    this.#len += 4;
  }
  i32(v: number): void {
    this.#reserve(4);
    this.#view.setInt32(this.#len, v, true);
    this.#len += 4;
  }
  /** Unsigned LEB128. */
  varint(v: number): void {
    this.#reserve(5);
    let x = v >>> 0;
    while (x >= 0x80) {
      this.#buf[this.#len++] = (x & 0x7f) | 0x80;
      x >>>= 7;
    }
    this.#buf[this.#len++] = x;
  }
  bytes(b: Uint8Array): void {
    this.#reserve(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }
  /** A typed array's elements, little-endian. */
  array(a: Float64Array | Float32Array | Int32Array): void {
    if (LITTLE_ENDIAN) {
      this.bytes(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      return;
    }
    this.#reserve(a.byteLength);
    const size = a.BYTES_PER_ELEMENT;
    for (let i = 0; i < a.length; i++, this.#len += size) {
      if (a instanceof Float64Array) this.#view.setFloat64(this.#len, a[i]!, true);
      else if (a instanceof Float32Array) this.#view.setFloat32(this.#len, a[i]!, true);
      else this.#view.setInt32(this.#len, a[i]!, true);
    }
  }
  /** Patches a u32 written earlier at `offset`. */
  setU32(offset: number, v: number): void {
    this.#view.setUint32(offset, v, true);
  }
  /** The bytes written so far, as a view (valid until the next write). */
  written(): Uint8Array {
    return this.#buf.subarray(0, this.#len);
  }
  /** The bytes written: the buffer itself when it is exactly full, else a copy. */
  finish(): Uint8Array {
    return this.#len === this.#buf.length ? this.#buf : this.#buf.slice(0, this.#len);
  }
}

/** Reads little-endian values; running past the end is a ModelFileError. */
export class ByteReader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #pos: number;
  readonly #end: number;

  constructor(bytes: Uint8Array, start = 0, end = bytes.length) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#pos = start;
    this.#end = end;
  }

  /** Bytes left. */
  get remaining(): number {
    return this.#end - this.#pos;
  }

  #take(n: number, what: string): number {
    if (n > this.#end - this.#pos) {
      throw new ModelFileError(
        `model file truncated reading ${what}: expected ${n} more bytes, got ${
          this.#end - this.#pos
        }`,
      );
    }
    const at = this.#pos;
    this.#pos += n;
    return at;
  }

  u8(what: string): number {
    return this.#view.getUint8(this.#take(1, what));
  }
  u16(what: string): number {
    return this.#view.getUint16(this.#take(2, what), true);
  }
  u32(what: string): number {
    return this.#view.getUint32(this.#take(4, what), true);
  }
  i32(what: string): number {
    return this.#view.getInt32(this.#take(4, what), true);
  }
  varint(what: string): number {
    let result = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.u8(what);
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
    }
    throw new ModelFileError(`model file corrupt reading ${what}: varint longer than 5 bytes`);
  }
  f64s(n: number, what: string): Float64Array {
    return this.#typed(n, 8, what, Float64Array, (o) => this.#view.getFloat64(o, true));
  }
  f32s(n: number, what: string): Float32Array {
    return this.#typed(n, 4, what, Float32Array, (o) => this.#view.getFloat32(o, true));
  }
  i32s(n: number, what: string): Int32Array {
    return this.#typed(n, 4, what, Int32Array, (o) => this.#view.getInt32(o, true));
  }

  #typed<T extends Float64Array | Float32Array | Int32Array>(
    n: number,
    size: number,
    what: string,
    Ctor: { new (buffer: ArrayBuffer): T; new (length: number): T },
    get: (offset: number) => number,
  ): T {
    const at = this.#take(n * size, what);
    if (LITTLE_ENDIAN) return new Ctor(this.#bytes.slice(at, at + n * size).buffer);
    const out = new Ctor(n);
    for (let i = 0; i < n; i++) out[i] = get(at + i * size);
    return out;
  }
}
