/**
 * Typed requests <-> whole frames. The byte layout is docs/PROTOCOL.md §4.
 *
 * @module
 */

import {
  algorithmField,
  FACE_SPEC,
  faceField,
  field,
  IMAGE_SPEC,
  imageField,
  optionalField,
  readAlgorithm,
  readFace,
  readFlag,
  readImage,
} from "./_containers.ts";
import { FieldGroup, type GroupSpec } from "./_field_group.ts";
import { encodeId, nameOfId, OP_ID_RANGE } from "./codes.ts";
import { ProtocolError } from "./errors.ts";
import type { Field } from "./field.ts";
import { type Frame, HEADER_BYTES, parseFrame, RESPONSE_BIT, writeHeader } from "./frame.ts";
import type { CodecOptions } from "./limits.ts";
import { type Op, OPS, type Request } from "./messages.ts";
import { decodeFields } from "./tlv_decode.ts";
import { encodeFields } from "./tlv_encode.ts";

/** The top-level fields each request allows. */
const REQUEST_SPECS: { readonly [K in Op]: GroupSpec } = {
  enroll: {
    token: "optional",
    name: "one",
    largest: "optional",
    wait: "optional",
    image: "many",
    face: "many",
  },
  identify: {
    token: "optional",
    algorithm: "one",
    threshold: "optional",
    image: "many",
    face: "many",
  },
  list: { token: "optional" },
  forget: { token: "optional", name: "one" },
  stats: { token: "optional" },
  verify: {
    token: "optional",
    algorithm: "one",
    threshold: "optional",
    name: "optional",
    image: "many",
    face: "many",
  },
  rename: { token: "optional", name: "one", newName: "one" },
  faces: { token: "optional", name: "one" },
  forgetFace: { token: "optional", name: "one", faceId: "one" },
  export: { token: "optional", name: "one" },
};

/**
 * Encodes a request as one whole frame (header and body).
 *
 * An empty `images` or `faces` list is sent as no field at all, and so decodes as absent.
 *
 * @throws {ProtocolError} `tooLarge` when the request would break a cap of `options`.
 * @throws {TypeError} on an unknown op or algorithm, or a face crop whose pixel count is
 * not `width * height`.
 * @throws {RangeError} on a number outside its wire type (see docs/PROTOCOL.md §3), or a
 * negative identify threshold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRequest, encodeRequest } from "./mod.ts";
 *
 * const bytes = encodeRequest({ op: "forget", name: "Ada" });
 * assert.deepEqual(decodeRequest(bytes), { op: "forget", name: "Ada" });
 * ```
 */
export function encodeRequest(request: Request, options?: CodecOptions): Uint8Array {
  const kind = encodeId(OPS, request.op, "op");
  const fields: Field[] = [...optionalField("token", request.token)];
  switch (request.op) {
    case "enroll":
      fields.push(field("name", request.name));
      if (request.largest) fields.push(field("largest", 1));
      if (request.wait) fields.push(field("wait", 1));
      fields.push(...(request.images ?? []).map(imageField));
      fields.push(...(request.faces ?? []).map(faceField));
      break;
    case "identify":
    case "verify":
      if (request.threshold !== undefined && !(request.threshold >= 0)) {
        throw new RangeError(thresholdProblem(request.threshold));
      }
      fields.push(algorithmField(request.algorithm));
      fields.push(...optionalField("threshold", request.threshold));
      if (request.op === "verify") fields.push(...optionalField("name", request.name));
      fields.push(...(request.images ?? []).map(imageField));
      fields.push(...(request.faces ?? []).map(faceField));
      break;
    case "rename":
      fields.push(field("name", request.name), field("newName", request.newName));
      break;
    case "forgetFace":
      fields.push(field("name", request.name), field("faceId", request.faceId));
      break;
    case "forget":
    case "faces":
    case "export":
      fields.push(field("name", request.name));
      break;
    case "list":
    case "stats":
      break;
  }
  const frame = encodeFields(fields, options, HEADER_BYTES);
  writeHeader(frame, kind, frame.length - HEADER_BYTES);
  return frame;
}

/**
 * Decodes a request from a {@link Frame} (as {@link FrameReader} yields) or from bytes
 * holding exactly one frame. Byte values (image data, face pixels) are views into the
 * frame, not copies.
 *
 * @throws {ProtocolError} `unknownOperation` for an op id not in {@link OPS} (its `op` is the
 * raw id); `badRequest` for a response frame, an unknown, duplicated or missing field, a
 * bad value, an unknown algorithm, a negative threshold or a face whose pixel count is not
 * `width * height`;
 * `tooLarge` when a cap is exceeded. Body errors are not fatal: the connection is still
 * in sync.
 *
 * @example Unknown ops name their raw id
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRequest, ProtocolError } from "./mod.ts";
 *
 * assert.throws(
 *   () => decodeRequest({ kind: 0x42, body: new Uint8Array(0) }),
 *   (e) => e instanceof ProtocolError && e.status === "unknownOperation" && e.op === 0x42,
 * );
 * ```
 */
export function decodeRequest(frame: Frame | Uint8Array, options?: CodecOptions): Request {
  const { kind, body } = frame instanceof Uint8Array ? parseFrame(frame, options) : frame;
  if ((kind & RESPONSE_BIT) !== 0) {
    throw new ProtocolError(
      `expected a request frame (kind 0x00..0x7f), got response kind 0x${kind.toString(16)}`,
      { op: kind & ~RESPONSE_BIT },
    );
  }
  const op = nameOfId(OPS, kind);
  if (op === undefined) {
    throw new ProtocolError(`unknown operation id ${kind}, expected ${OP_ID_RANGE}`, {
      status: "unknownOperation",
      op: kind,
    });
  }
  try {
    return decodeBody(op, body, options);
  } catch (error) {
    if (error instanceof ProtocolError) error.op ??= kind;
    throw error;
  }
}

function decodeBody(op: Op, body: Uint8Array, options?: CodecOptions): Request {
  const group = new FieldGroup(`${op} request`, decodeFields(body, options), REQUEST_SPECS[op]);
  const token = group.optionalString("token");
  const base = token === undefined ? {} : { token };
  switch (op) {
    case "enroll":
      return {
        op,
        ...base,
        name: group.string("name"),
        ...(readFlag(group, "largest") ? { largest: true } : {}),
        ...(readFlag(group, "wait") ? { wait: true } : {}),
        ...payload(group),
      };
    case "identify":
    case "verify": {
      const threshold = group.optionalNumber("threshold");
      if (threshold !== undefined && !(threshold >= 0)) {
        throw new ProtocolError(thresholdProblem(threshold));
      }
      const name = op === "verify" ? group.optionalString("name") : undefined;
      return {
        op,
        ...base,
        algorithm: readAlgorithm(group),
        ...(threshold === undefined ? {} : { threshold }),
        ...(name === undefined ? {} : { name }),
        ...payload(group),
      };
    }
    case "rename":
      return { op, ...base, name: group.string("name"), newName: group.string("newName") };
    case "forgetFace":
      return { op, ...base, name: group.string("name"), faceId: group.number("faceId") };
    case "forget":
    case "faces":
    case "export":
      return { op, ...base, name: group.string("name") };
    case "list":
    case "stats":
      return { op, ...base };
  }
}

// A distance is never negative, so neither is a threshold on one (docs/PROTOCOL.md §5.6).
function thresholdProblem(threshold: number): string {
  return `threshold: expected a distance >= 0, got ${threshold}`;
}

function payload(group: FieldGroup) {
  const images = group.groups("image", IMAGE_SPEC).map(readImage);
  const faces = group.groups("face", FACE_SPEC).map(readFace);
  return {
    ...(images.length === 0 ? {} : { images }),
    ...(faces.length === 0 ? {} : { faces }),
  };
}
