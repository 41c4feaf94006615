/**
 * Field builders and the containers shared by requests and responses (IMAGE, FACE, BOX,
 * MODEL). Private to the typed mapping.
 *
 * @module
 */

import { ALGORITHM_IDS, decodeId, encodeId, MODEL_STATE_IDS } from "./codes.ts";
import { ProtocolError } from "./errors.ts";
import type { Field, FieldValue } from "./field.ts";
import type { FieldGroup, GroupSpec } from "./_field_group.ts";
import type { Algorithm } from "../core/algorithms.ts";
import type {
  ModelState,
  WireBox,
  WireChip,
  WireFace,
  WireImage,
  WireLandmarks,
} from "./messages.ts";
import { type TagName, TAGS } from "./tags.ts";

/** One field. */
export function field(name: TagName, value: FieldValue): Field {
  return { tag: TAGS[name], value };
}

/** Zero or one field, for optional message properties. */
export function optionalField(name: TagName, value: FieldValue | undefined): Field[] {
  return value === undefined ? [] : [field(name, value)];
}

/** The algorithm field of a message. */
export function algorithmField(algorithm: Algorithm): Field {
  return field("algorithm", encodeId(ALGORITHM_IDS, algorithm, "algorithm"));
}

/** Reads the algorithm field of a group. */
export function readAlgorithm(group: FieldGroup): Algorithm {
  return decodeId(ALGORITHM_IDS, group.number("algorithm"), "algorithm");
}

/** A u8 flag (LARGEST, WAIT, SAME, ALIGNED): 0 or absent is false, 1 true, else malformed. */
export function readFlag(group: FieldGroup, name: TagName): boolean {
  const value = group.optionalNumber(name);
  if (value === undefined || value === 0) return false;
  if (value === 1) return true;
  throw new ProtocolError(`${name}: expected 0 or 1, got ${value}`);
}

/** Fields of an IMAGE container. */
export const IMAGE_SPEC: GroupSpec = { filename: "optional", data: "one" };

/** Encodes an IMAGE container. */
export function imageField(image: WireImage): Field {
  return field("image", [...optionalField("filename", image.filename), field("data", image.data)]);
}

/** Decodes an IMAGE container. */
export function readImage(group: FieldGroup): WireImage {
  const filename = group.optionalString("filename");
  const data = group.bytes("data");
  return filename === undefined ? { data } : { filename, data };
}

/** Fields of a BOX container. */
export const BOX_SPEC: GroupSpec = { x: "one", y: "one", width: "one", height: "one" };

/** Encodes a BOX container. */
export function boxField(box: WireBox): Field {
  return field("box", [
    field("x", box.x),
    field("y", box.y),
    field("width", box.width),
    field("height", box.height),
  ]);
}

/** Decodes a BOX container. */
export function readBox(group: FieldGroup): WireBox {
  return {
    x: group.number("x"),
    y: group.number("y"),
    width: group.number("width"),
    height: group.number("height"),
  };
}

/** Bytes of a LANDMARKS value: five points, x then y, each a big-endian f64. */
export const LANDMARKS_BYTES = 80;

/** Encodes five landmarks as one LANDMARKS bytes value. */
export function landmarksValue(points: WireLandmarks): Uint8Array {
  if (points.length !== 5) {
    throw new TypeError(`landmarks: expected 5 points, got ${points.length}`);
  }
  const bytes = new Uint8Array(LANDMARKS_BYTES);
  const view = new DataView(bytes.buffer);
  points.forEach((p, i) => {
    if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) {
      throw new RangeError(`landmark ${i}: expected finite coordinates, got (${p.x}, ${p.y})`);
    }
    view.setFloat64(i * 16, p.x);
    view.setFloat64(i * 16 + 8, p.y);
  });
  return bytes;
}

/** Decodes a LANDMARKS bytes value. */
export function readLandmarks(bytes: Uint8Array): WireLandmarks {
  if (bytes.length !== LANDMARKS_BYTES) {
    throw new ProtocolError(
      `landmarks: expected ${LANDMARKS_BYTES} bytes (5 points of 2 f64), got ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const point = (i: number) => {
    const x = view.getFloat64(i * 16), y = view.getFloat64(i * 16 + 8);
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      throw new ProtocolError(`landmark ${i}: expected finite coordinates, got (${x}, ${y})`);
    }
    return { x, y };
  };
  return [point(0), point(1), point(2), point(3), point(4)];
}

/** Fields of a CHIP container. */
export const CHIP_SPEC: GroupSpec = { width: "one", height: "one", pixels: "one" };

function chipField(chip: WireChip): Field {
  const problem = pixelProblem("chip", chip.width, chip.height, 3, chip.pixels.length);
  if (problem !== undefined) throw new TypeError(problem);
  return field("chip", [
    field("width", chip.width),
    field("height", chip.height),
    field("pixels", chip.pixels),
  ]);
}

function readChip(group: FieldGroup): WireChip {
  const width = group.number("width");
  const height = group.number("height");
  const pixels = group.bytes("pixels");
  const problem = pixelProblem("chip", width, height, 3, pixels.length);
  if (problem !== undefined) throw new ProtocolError(problem);
  return { width, height, pixels };
}

/** Fields of a FACE container. */
export const FACE_SPEC: GroupSpec = {
  width: "one",
  height: "one",
  pixels: "one",
  box: "one",
  imageIndex: "one",
  chip: "optional",
  landmarks: "optional",
  score: "optional",
  filename: "optional",
};

/**
 * Encodes a FACE container.
 *
 * @throws {TypeError} when the crop is empty or its pixel count is not `width * height`.
 */
export function faceField(face: WireFace): Field {
  const problem = pixelProblem("face crop", face.width, face.height, 1, face.pixels.length);
  if (problem !== undefined) throw new TypeError(problem);
  return field("face", [
    field("width", face.width),
    field("height", face.height),
    field("pixels", face.pixels),
    boxField(face.box),
    field("imageIndex", face.imageIndex),
    ...(face.chip ? [chipField(face.chip)] : []),
    ...optionalField("landmarks", face.landmarks && landmarksValue(face.landmarks)),
    ...optionalField("score", face.score),
    ...optionalField("filename", face.filename),
  ]);
}

/** Decodes a FACE container, checking its pixel count. */
export function readFace(group: FieldGroup): WireFace {
  const width = group.number("width");
  const height = group.number("height");
  const pixels = group.bytes("pixels");
  const problem = pixelProblem("face crop", width, height, 1, pixels.length);
  if (problem !== undefined) throw new ProtocolError(problem);
  const face: WireFace = {
    width,
    height,
    pixels,
    box: readBox(group.group("box", BOX_SPEC)),
    imageIndex: group.number("imageIndex"),
  };
  if (group.has("chip")) face.chip = readChip(group.group("chip", CHIP_SPEC));
  const landmarks = group.optionalBytes("landmarks");
  if (landmarks !== undefined) face.landmarks = readLandmarks(landmarks);
  const score = group.optionalNumber("score");
  if (score !== undefined) face.score = score;
  const filename = group.optionalString("filename");
  if (filename !== undefined) face.filename = filename;
  return face;
}

function pixelProblem(
  what: string,
  width: number,
  height: number,
  channels: number,
  length: number,
): string | undefined {
  if (width < 1 || height < 1) {
    return `${what} must be at least 1x1, got ${width}x${height}`;
  }
  const need = width * height * channels;
  if (length !== need) {
    return `${what} of ${width}x${height} needs ${need} pixel bytes, got ${length}`;
  }
  return undefined;
}

/** Fields of a MODEL container. */
export const MODEL_SPEC: GroupSpec = {
  algorithm: "one",
  state: "one",
  faceCount: "one",
  message: "optional",
  threshold: "optional",
};

/** Encodes a MODEL container. */
export function modelField(model: ModelState): Field {
  return field("model", [
    algorithmField(model.algorithm),
    field("state", encodeId(MODEL_STATE_IDS, model.state, "model state")),
    field("faceCount", model.faces),
    ...optionalField("message", model.message),
    ...optionalField("threshold", model.threshold),
  ]);
}

/** Decodes a MODEL container. */
export function readModel(group: FieldGroup): ModelState {
  const model: ModelState = {
    algorithm: readAlgorithm(group),
    state: decodeId(MODEL_STATE_IDS, group.number("state"), "model state"),
    faces: group.number("faceCount"),
  };
  const message = group.optionalString("message");
  if (message !== undefined) model.message = message;
  const threshold = group.optionalNumber("threshold");
  if (threshold !== undefined) model.threshold = threshold;
  return model;
}
