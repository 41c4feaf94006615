/**
 * Generic TLV body encoder. It measures the whole tree first so a frame, however large its
 * images, is written into a single allocation.
 *
 * @module
 */

import { ProtocolError } from "./errors.ts";
import { type Field, FIELD_HEADER_BYTES, SCALAR_BYTES } from "./field.ts";
import { type CodecOptions, type Limits, resolveLimits } from "./limits.ts";
import { describeTag, tagInfo, type ValueType } from "./tags.ts";

const UTF8 = new TextEncoder();

/** A field checked and sized, ready to write. */
interface Planned {
  tag: number;
  type: ValueType;
  /** Value length in bytes. */
  length: number;
  number?: number;
  bytes?: Uint8Array;
  children?: Planned[];
}

const INTEGER_RANGES = {
  u8: [0, 0xff],
  u32: [0, 0xffff_ffff],
  i32: [-0x8000_0000, 0x7fff_ffff],
} as const;

/**
 * Encodes fields into a TLV body, leaving `headroom` zero bytes in front of it (a frame
 * encoder puts its header there instead of copying the body).
 *
 * Anything this returns is accepted by {@link decodeFields} under the same caps.
 *
 * @throws {ProtocolError} `tooLarge` when a string, field-count, depth or body cap would be
 * exceeded: a caller may legitimately hit these with big inputs.
 * @throws {TypeError} on a tag outside the table, a value of the wrong JS type, or a string
 * with lone surrogates.
 * @throws {RangeError} on a number that is not an integer in its type's range, or not finite.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeFields } from "./tlv_encode.ts";
 *
 * const body = encodeFields([{ tag: 0x0004, value: "Al" }]);
 * assert.deepEqual([...body], [0, 4, 0, 0, 0, 2, 0x41, 0x6c]);
 * ```
 */
export function encodeFields(
  fields: readonly Field[],
  options?: CodecOptions,
  headroom = 0,
): Uint8Array {
  const limits = resolveLimits(options);
  const planned = planList(fields, 1, limits, "frame body");
  const bodyLength = sizeOf(planned);
  if (bodyLength > limits.maxBodyBytes) {
    throw new ProtocolError(
      `frame body of ${bodyLength} bytes would exceed the limit of ${limits.maxBodyBytes}`,
      { status: "tooLarge" },
    );
  }
  const out = new Uint8Array(headroom + bodyLength);
  writeList(planned, out, new DataView(out.buffer), headroom);
  return out;
}

function sizeOf(list: readonly Planned[]): number {
  let size = 0;
  for (const field of list) size += FIELD_HEADER_BYTES + field.length;
  return size;
}

function planList(
  fields: readonly Field[],
  depth: number,
  limits: Limits,
  where: string,
): Planned[] {
  if (fields.length > 0 && depth > limits.maxDepth) {
    throw new ProtocolError(
      `${where} would nest fields at depth ${depth}, over the limit of ${limits.maxDepth}`,
      { status: "tooLarge" },
    );
  }
  if (fields.length > limits.maxFieldsPerContainer) {
    throw new ProtocolError(
      `${where} would hold ${fields.length} fields, over the limit of ${limits.maxFieldsPerContainer}`,
      { status: "tooLarge" },
    );
  }
  return fields.map((field) => planField(field, depth, limits));
}

function planField(field: Field, depth: number, limits: Limits): Planned {
  const { tag, value } = field;
  const info = tagInfo(tag);
  if (info === undefined) throw new TypeError(`unknown tag ${describeTag(tag)}`);
  const what = `field ${describeTag(tag)}`;
  switch (info.type) {
    case "u8":
    case "u32":
    case "i32":
    case "f64": {
      if (typeof value !== "number") {
        throw new TypeError(`${what}: expected a number, got ${typeof value}`);
      }
      if (info.type === "f64") {
        if (!Number.isFinite(value)) {
          throw new RangeError(`${what}: expected a finite number, got ${value}`);
        }
      } else {
        const [min, max] = INTEGER_RANGES[info.type];
        if (!Number.isInteger(value) || value < min || value > max) {
          throw new RangeError(`${what}: expected an integer in ${min}..${max}, got ${value}`);
        }
      }
      return { tag, type: info.type, length: SCALAR_BYTES[info.type], number: value };
    }
    case "string": {
      if (typeof value !== "string") {
        throw new TypeError(`${what}: expected a string, got ${typeof value}`);
      }
      // TextEncoder would turn a lone surrogate into U+FFFD: refuse rather than alter text.
      if (!value.isWellFormed()) {
        throw new TypeError(`${what}: expected well-formed Unicode, got lone surrogates`);
      }
      const bytes = UTF8.encode(value);
      if (bytes.length > limits.maxStringBytes) {
        throw new ProtocolError(
          `${what}: string of ${bytes.length} UTF-8 bytes exceeds the limit of ${limits.maxStringBytes}`,
          { status: "tooLarge" },
        );
      }
      return { tag, type: info.type, length: bytes.length, bytes };
    }
    case "bytes":
      if (!(value instanceof Uint8Array)) {
        throw new TypeError(`${what}: expected a Uint8Array, got ${typeof value}`);
      }
      return { tag, type: info.type, length: value.length, bytes: value };
    case "container": {
      if (!Array.isArray(value)) {
        throw new TypeError(`${what}: expected a list of fields, got ${typeof value}`);
      }
      const children = planList(value as readonly Field[], depth + 1, limits, info.name);
      return { tag, type: info.type, length: sizeOf(children), children };
    }
  }
}

function writeList(list: readonly Planned[], out: Uint8Array, view: DataView, at: number): number {
  let offset = at;
  for (const field of list) {
    view.setUint16(offset, field.tag);
    view.setUint32(offset + 2, field.length);
    offset += FIELD_HEADER_BYTES;
    switch (field.type) {
      case "u8":
        view.setUint8(offset, field.number ?? 0);
        break;
      case "u32":
        view.setUint32(offset, field.number ?? 0);
        break;
      case "i32":
        view.setInt32(offset, field.number ?? 0);
        break;
      case "f64":
        view.setFloat64(offset, field.number ?? 0);
        break;
      case "string":
      case "bytes":
        out.set(field.bytes ?? new Uint8Array(0), offset);
        break;
      case "container":
        writeList(field.children ?? [], out, view, offset);
        break;
    }
    offset += field.length;
  }
  return offset;
}
