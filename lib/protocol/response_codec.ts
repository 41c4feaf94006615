/**
 * Typed responses <-> whole frames. The byte layout is docs/PROTOCOL.md §5.
 *
 * @module
 */

import {
  algorithmField,
  BOX_SPEC,
  boxField,
  field,
  landmarksValue,
  MODEL_SPEC,
  modelField,
  optionalField,
  readAlgorithm,
  readBox,
  readFlag,
  readLandmarks,
  readModel,
} from "./_containers.ts";
import { FieldGroup, type GroupSpec } from "./_field_group.ts";
import { decodeId, encodeId, nameOfId, OP_ID_RANGE, OUTCOME_IDS } from "./codes.ts";
import { wireDistance } from "./distance.ts";
import { ProtocolError } from "./errors.ts";
import type { Field } from "./field.ts";
import { type Frame, HEADER_BYTES, parseFrame, RESPONSE_BIT, writeHeader } from "./frame.ts";
import { type CodecOptions, resolveLimits } from "./limits.ts";
import {
  type ExportedFace,
  type FaceInfo,
  type IdentifiedFace,
  type ImageReport,
  type Op,
  OPS,
  type Response,
  STATUS,
} from "./messages.ts";
import { TAGS } from "./tags.ts";
import { decodeFields } from "./tlv_decode.ts";
import { encodeFields } from "./tlv_encode.ts";

const ERROR_SPEC: GroupSpec = { status: "one", message: "one" };

/** The top-level fields of each successful response. */
const OK_SPECS: { readonly [K in Op]: GroupSpec } = {
  enroll: {
    status: "one",
    name: "one",
    stored: "one",
    personFaces: "one",
    report: "many",
    model: "many",
  },
  identify: { status: "one", width: "one", height: "one", match: "many", data: "optional" },
  list: { status: "one", person: "many" },
  forget: { status: "one", name: "one", removedFaces: "one", model: "many" },
  stats: { status: "one", version: "one", peopleCount: "one", faceCount: "one", model: "many" },
  verify: {
    status: "one",
    algorithm: "one",
    faceCount: "many",
    name: "optional",
    same: "optional",
    distance: "optional",
    threshold: "optional",
  },
  rename: { status: "one", name: "one", newName: "one" },
  faces: { status: "one", name: "one", faceCount: "one", storedFace: "many" },
  forgetFace: { status: "one", name: "one", faceId: "one", personFaces: "one", model: "many" },
  export: { status: "one", name: "one", faceCount: "one", storedFace: "many" },
};

/** A STORED_FACE in a faces reply (no image) and in an export reply (DATA, a PNG, required). */
const FACE_INFO_SPEC: GroupSpec = {
  faceId: "one",
  createdAt: "one",
  filename: "optional",
  score: "optional",
  aligned: "one",
};
const EXPORTED_FACE_SPEC: GroupSpec = { ...FACE_INFO_SPEC, data: "one" };

const REPORT_SPEC: GroupSpec = {
  index: "one",
  outcome: "one",
  faceCount: "one",
  message: "optional",
  data: "optional",
};
const MATCH_SPEC: GroupSpec = {
  box: "one",
  score: "optional",
  landmarks: "optional",
  name: "optional",
  distance: "one",
  algorithm: "one",
  threshold: "one",
  candidate: "many",
};
const CANDIDATE_SPEC: GroupSpec = { name: "one", distance: "one" };
const PERSON_SPEC: GroupSpec = { name: "one", faceCount: "one" };

/** Largest op id: the kind byte keeps its top bit for the response flag. */
const MAX_OP_ID = 0x7f;

/**
 * Encodes a response as one whole frame (header and body).
 *
 * An error's `message` is cut to the string cap at a character boundary (ending in "…"),
 * so that an error can always be sent. A match without a distance, and a distance that is
 * not finite, are sent as the largest finite f64 (docs/PROTOCOL.md §6.6); decoding returns
 * that number as it came. An error `op` given as a number that is a known op
 * id decodes as that op's name.
 *
 * @throws {ProtocolError} `tooLarge` when the response would break a cap of `options`.
 * @throws {TypeError} on an unknown op, status, algorithm, outcome or model state.
 * @throws {RangeError} on a number outside its wire type (see docs/PROTOCOL.md §3).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeResponse, encodeResponse } from "./mod.ts";
 *
 * const bytes = encodeResponse({ op: "list", status: "ok", people: [{ name: "Ada", faces: 3 }] });
 * assert.deepEqual(decodeResponse(bytes), {
 *   op: "list",
 *   status: "ok",
 *   people: [{ name: "Ada", faces: 3 }],
 * });
 * ```
 */
export function encodeResponse(response: Response, options?: CodecOptions): Uint8Array {
  let opId: number;
  const fields: Field[] = [field("status", encodeId(STATUS, response.status, "status"))];
  if (response.status !== "ok") {
    opId = typeof response.op === "number" ? response.op : encodeId(OPS, response.op, "op");
    if (!Number.isInteger(opId) || opId < 0 || opId > MAX_OP_ID) {
      throw new RangeError(`error op id must be an integer in 0..${MAX_OP_ID}, got ${opId}`);
    }
    const maxBytes = resolveLimits(options).maxStringBytes;
    fields.push(field("message", truncateUtf8(response.message, maxBytes)));
  } else {
    opId = encodeId(OPS, response.op, "op");
    switch (response.op) {
      case "enroll":
        fields.push(
          field("name", response.name),
          field("stored", response.stored),
          field("personFaces", response.personFaces),
          ...response.images.map(reportField),
          ...response.models.map(modelField),
        );
        break;
      case "identify":
        fields.push(
          field("width", response.imageWidth),
          field("height", response.imageHeight),
          ...response.faces.map(matchField),
          ...optionalField("data", response.image),
        );
        break;
      case "list":
        fields.push(
          ...response.people.map((person) =>
            field("person", [field("name", person.name), field("faceCount", person.faces)])
          ),
        );
        break;
      case "forget":
        fields.push(
          field("name", response.name),
          field("removedFaces", response.removedFaces),
          ...response.models.map(modelField),
        );
        break;
      case "stats":
        fields.push(
          field("version", response.version),
          field("peopleCount", response.people),
          field("faceCount", response.faces),
          ...response.models.map(modelField),
        );
        break;
      case "verify": {
        const { same, distance, threshold } = response;
        const compared = [same, distance, threshold].filter((v) => v !== undefined).length;
        if (compared !== 0 && compared !== 3) {
          throw new TypeError("verify reply: same, distance and threshold go together");
        }
        fields.push(
          algorithmField(response.algorithm),
          ...response.faces.map((n) => field("faceCount", n)),
          ...optionalField("name", response.name),
          ...optionalField("same", same === undefined ? undefined : same ? 1 : 0),
          ...optionalField("distance", distance === undefined ? undefined : wireDistance(distance)),
          ...optionalField("threshold", threshold),
        );
        break;
      }
      case "rename":
        fields.push(field("name", response.name), field("newName", response.newName));
        break;
      case "faces":
      case "export":
        fields.push(
          field("name", response.name),
          field("faceCount", response.total),
          ...response.faces.map(storedFaceField),
        );
        break;
      case "forgetFace":
        fields.push(
          field("name", response.name),
          field("faceId", response.faceId),
          field("personFaces", response.personFaces),
          ...response.models.map(modelField),
        );
        break;
    }
  }
  const frame = encodeFields(fields, options, HEADER_BYTES);
  writeHeader(frame, opId | RESPONSE_BIT, frame.length - HEADER_BYTES);
  return frame;
}

/**
 * Decodes a response from a {@link Frame} or from bytes holding exactly one frame. Byte
 * values are views into the frame, not copies. An error response for an op id that is not
 * in {@link OPS} keeps the raw id in `op`.
 *
 * @throws {ProtocolError} `badRequest` for a request frame, a missing or unknown status,
 * an unknown, duplicated or missing field, or a bad value; `unknownOperation` for a
 * success response of an op id not in {@link OPS}; `tooLarge` when a cap is exceeded.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeResponse, encodeResponse } from "./mod.ts";
 *
 * const error = { op: 66, status: "unknownOperation", message: "no op 66" } as const;
 * assert.deepEqual(decodeResponse(encodeResponse(error)), error);
 * ```
 */
export function decodeResponse(frame: Frame | Uint8Array, options?: CodecOptions): Response {
  const { kind, body } = frame instanceof Uint8Array ? parseFrame(frame, options) : frame;
  const opId = kind & ~RESPONSE_BIT;
  if ((kind & RESPONSE_BIT) === 0) {
    throw new ProtocolError(
      `expected a response frame (kind 0x80..0xff), got request kind 0x${kind.toString(16)}`,
      { op: opId },
    );
  }
  try {
    return decodeBody(opId, body, options);
  } catch (error) {
    if (error instanceof ProtocolError) error.op ??= opId;
    throw error;
  }
}

function decodeBody(opId: number, body: Uint8Array, options?: CodecOptions): Response {
  const fields = decodeFields(body, options);
  const statusField = fields.find((f) => f.tag === TAGS.status);
  if (statusField === undefined || typeof statusField.value !== "number") {
    throw new ProtocolError(`missing field status (0x0001) in response, it is required`);
  }
  const status = decodeId(STATUS, statusField.value, "status");
  const op = nameOfId(OPS, opId);
  if (status !== "ok") {
    const group = new FieldGroup(`error response`, fields, ERROR_SPEC);
    return { op: op ?? opId, status, message: group.string("message") };
  }
  if (op === undefined) {
    throw new ProtocolError(
      `unknown operation id ${opId} in a success response, expected ${OP_ID_RANGE}`,
      { status: "unknownOperation" },
    );
  }
  const group = new FieldGroup(`${op} response`, fields, OK_SPECS[op]);
  switch (op) {
    case "enroll":
      return {
        op,
        status,
        name: group.string("name"),
        stored: group.number("stored"),
        personFaces: group.number("personFaces"),
        images: group.groups("report", REPORT_SPEC).map(readReport),
        models: group.groups("model", MODEL_SPEC).map(readModel),
      };
    case "identify": {
      const image = group.optionalBytes("data");
      return {
        op,
        status,
        faces: group.groups("match", MATCH_SPEC).map(readMatch),
        imageWidth: group.number("width"),
        imageHeight: group.number("height"),
        ...(image === undefined ? {} : { image }),
      };
    }
    case "list":
      return {
        op,
        status,
        people: group.groups("person", PERSON_SPEC).map((person) => ({
          name: person.string("name"),
          faces: person.number("faceCount"),
        })),
      };
    case "forget":
      return {
        op,
        status,
        name: group.string("name"),
        removedFaces: group.number("removedFaces"),
        models: group.groups("model", MODEL_SPEC).map(readModel),
      };
    case "stats":
      return {
        op,
        status,
        version: group.string("version"),
        people: group.number("peopleCount"),
        faces: group.number("faceCount"),
        models: group.groups("model", MODEL_SPEC).map(readModel),
      };
    case "verify": {
      const compared = ["same", "distance", "threshold"] as const;
      const present = compared.filter((name) => group.has(name)).length;
      if (present !== 0 && present !== 3) {
        throw new ProtocolError(
          `verify response: same, distance and threshold come together, got ${present} of 3`,
        );
      }
      const name = group.optionalString("name");
      return {
        op,
        status,
        algorithm: readAlgorithm(group),
        faces: group.numbers("faceCount"),
        ...(name === undefined ? {} : { name }),
        ...(present === 0 ? {} : {
          same: readFlag(group, "same"),
          distance: group.number("distance"),
          threshold: group.number("threshold"),
        }),
      };
    }
    case "rename":
      return { op, status, name: group.string("name"), newName: group.string("newName") };
    case "faces":
      return {
        op,
        status,
        name: group.string("name"),
        total: group.number("faceCount"),
        faces: group.groups("storedFace", FACE_INFO_SPEC).map(readFaceInfo),
      };
    case "export":
      return {
        op,
        status,
        name: group.string("name"),
        total: group.number("faceCount"),
        faces: group.groups("storedFace", EXPORTED_FACE_SPEC).map((face) => ({
          ...readFaceInfo(face),
          png: face.bytes("data"),
        })),
      };
    case "forgetFace":
      return {
        op,
        status,
        name: group.string("name"),
        faceId: group.number("faceId"),
        personFaces: group.number("personFaces"),
        models: group.groups("model", MODEL_SPEC).map(readModel),
      };
  }
}

function storedFaceField(face: FaceInfo | ExportedFace): Field {
  return field("storedFace", [
    field("faceId", face.id),
    field("createdAt", face.createdAt),
    ...optionalField("filename", face.filename),
    ...optionalField("score", face.score),
    field("aligned", face.aligned ? 1 : 0),
    ...optionalField("data", "png" in face ? face.png : undefined),
  ]);
}

function readFaceInfo(group: FieldGroup): FaceInfo {
  const filename = group.optionalString("filename");
  const score = group.optionalNumber("score");
  return {
    id: group.number("faceId"),
    createdAt: group.number("createdAt"),
    ...(filename === undefined ? {} : { filename }),
    ...(score === undefined ? {} : { score }),
    aligned: readFlag(group, "aligned"),
  };
}

function reportField(report: ImageReport): Field {
  return field("report", [
    field("index", report.index),
    field("outcome", encodeId(OUTCOME_IDS, report.outcome, "image outcome")),
    field("faceCount", report.faces),
    ...optionalField("message", report.message),
    ...optionalField("data", report.data),
  ]);
}

function readReport(group: FieldGroup): ImageReport {
  const report: ImageReport = {
    index: group.number("index"),
    outcome: decodeId(OUTCOME_IDS, group.number("outcome"), "image outcome"),
    faces: group.number("faceCount"),
  };
  const message = group.optionalString("message");
  if (message !== undefined) report.message = message;
  const data = group.optionalBytes("data");
  if (data !== undefined) report.data = data;
  return report;
}

function matchField(face: IdentifiedFace): Field {
  return field("match", [
    boxField(face.box),
    ...optionalField("score", face.score),
    ...optionalField("landmarks", face.landmarks && landmarksValue(face.landmarks)),
    ...optionalField("name", face.name ?? undefined),
    field("distance", wireDistance(face.distance)),
    algorithmField(face.algorithm),
    field("threshold", face.threshold),
    ...face.candidates.map((candidate) =>
      field("candidate", [
        field("name", candidate.name),
        field("distance", wireDistance(candidate.distance)),
      ])
    ),
  ]);
}

function readMatch(group: FieldGroup): IdentifiedFace {
  const score = group.optionalNumber("score");
  const landmarks = group.optionalBytes("landmarks");
  return {
    box: readBox(group.group("box", BOX_SPEC)),
    ...(score === undefined ? {} : { score }),
    ...(landmarks === undefined ? {} : { landmarks: readLandmarks(landmarks) }),
    name: group.optionalString("name") ?? null,
    distance: group.number("distance"),
    algorithm: readAlgorithm(group),
    threshold: group.number("threshold"),
    candidates: group.groups("candidate", CANDIDATE_SPEC).map((candidate) => ({
      name: candidate.string("name"),
      distance: candidate.number("distance"),
    })),
  };
}

/** Cuts `text` to at most `maxBytes` of UTF-8, at a code point, marking the cut with "…". */
function truncateUtf8(text: string, maxBytes: number): string {
  const wellFormed = text.toWellFormed();
  const encoder = new TextEncoder();
  if (encoder.encode(wellFormed).length <= maxBytes) return wellFormed;
  const ellipsis = "…";
  let budget = maxBytes - encoder.encode(ellipsis).length;
  if (budget < 0) return "";
  let out = "";
  for (const char of wellFormed) {
    const size = encoder.encode(char).length;
    if (size > budget) break;
    out += char;
    budget -= size;
  }
  return out + ellipsis;
}
