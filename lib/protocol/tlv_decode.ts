/**
 * Generic TLV body decoder: checks every field against the tag table and the caps, and
 * builds the field tree. Which fields a message allows is checked later, by the typed
 * mapping. Every failure is a non-fatal {@link ProtocolError}: the frame around the body was
 * whole, so the connection stays in sync.
 *
 * @module
 */

import { ProtocolError } from "./errors.ts";
import { type Field, FIELD_HEADER_BYTES, SCALAR_BYTES } from "./field.ts";
import { type CodecOptions, type Limits, resolveLimits } from "./limits.ts";
import { describeTag, tagInfo } from "./tags.ts";

// fatal: a wrong byte is never silently replaced, so a name cannot change on the way.
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Decodes a TLV body into its field tree. Bytes values are views into `body`, not copies.
 *
 * @throws {ProtocolError} on an unknown tag, a value of the wrong length for its type, a
 * value running past its container, invalid UTF-8, a non-finite f64 (`badRequest`), or a
 * string, field-count or depth cap exceeded (`tooLarge`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeFields } from "./tlv_decode.ts";
 *
 * // tag 0x0004 (name), length 2, "Al"
 * const fields = decodeFields(new Uint8Array([0, 4, 0, 0, 0, 2, 0x41, 0x6c]));
 * assert.deepEqual(fields, [{ tag: 4, value: "Al" }]);
 * ```
 */
export function decodeFields(body: Uint8Array, options?: CodecOptions): Field[] {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  return decodeList(body, view, 0, body.length, 1, resolveLimits(options), "frame body");
}

function decodeList(
  body: Uint8Array,
  view: DataView,
  start: number,
  end: number,
  depth: number,
  limits: Limits,
  where: string,
): Field[] {
  const fields: Field[] = [];
  let offset = start;
  while (offset < end) {
    // Checked per field, not per list: an empty container adds no depth.
    if (depth > limits.maxDepth) {
      throw new ProtocolError(
        `${where} nests fields at depth ${depth}, over the limit of ${limits.maxDepth}`,
        { status: "tooLarge" },
      );
    }
    if (fields.length >= limits.maxFieldsPerContainer) {
      throw new ProtocolError(
        `${where} has more than ${limits.maxFieldsPerContainer} fields, the limit`,
        { status: "tooLarge" },
      );
    }
    if (end - offset < FIELD_HEADER_BYTES) {
      throw new ProtocolError(
        `truncated field header at offset ${offset} in ${where}: expected ${FIELD_HEADER_BYTES} bytes, got ${
          end - offset
        }`,
      );
    }
    const tag = view.getUint16(offset);
    const length = view.getUint32(offset + 2);
    const info = tagInfo(tag);
    if (info === undefined) {
      throw new ProtocolError(`unknown tag ${describeTag(tag)} at offset ${offset} in ${where}`);
    }
    const valueStart = offset + FIELD_HEADER_BYTES;
    if (length > end - valueStart) {
      throw new ProtocolError(
        `field ${describeTag(tag)} at offset ${offset} declares ${length} bytes, but ${
          end - valueStart
        } remain in ${where}`,
      );
    }
    const valueEnd = valueStart + length;
    const what = `field ${describeTag(tag)} at offset ${offset}`;
    switch (info.type) {
      case "u8":
      case "u32":
      case "i32":
      case "f64": {
        const size = SCALAR_BYTES[info.type];
        if (length !== size) {
          throw new ProtocolError(
            `${what}: expected a ${size}-byte ${info.type}, got ${length} bytes`,
          );
        }
        const value = info.type === "u8"
          ? view.getUint8(valueStart)
          : info.type === "u32"
          ? view.getUint32(valueStart)
          : info.type === "i32"
          ? view.getInt32(valueStart)
          : view.getFloat64(valueStart);
        if (!Number.isFinite(value)) {
          throw new ProtocolError(`${what}: expected a finite f64, got ${value}`);
        }
        fields.push({ tag, value });
        break;
      }
      case "string": {
        if (length > limits.maxStringBytes) {
          throw new ProtocolError(
            `${what}: string of ${length} bytes exceeds the limit of ${limits.maxStringBytes}`,
            { status: "tooLarge" },
          );
        }
        let value: string;
        try {
          value = UTF8.decode(body.subarray(valueStart, valueEnd));
        } catch (cause) {
          throw new ProtocolError(`${what}: expected UTF-8 text, got invalid bytes`, { cause });
        }
        fields.push({ tag, value });
        break;
      }
      case "bytes":
        fields.push({ tag, value: body.subarray(valueStart, valueEnd) });
        break;
      case "container":
        fields.push({
          tag,
          value: decodeList(body, view, valueStart, valueEnd, depth + 1, limits, info.name),
        });
        break;
    }
    offset = valueEnd;
  }
  return fields;
}
