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
import type { AlgorithmName, ModelState, WireBox, WireFace, WireImage } from "./messages.ts";
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
export function algorithmField(algorithm: AlgorithmName): Field {
  return field("algorithm", encodeId(ALGORITHM_IDS, algorithm, "algorithm"));
}

/** Reads the algorithm field of a group. */
export function readAlgorithm(group: FieldGroup): AlgorithmName {
  return decodeId(ALGORITHM_IDS, group.number("algorithm"), "algorithm");
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

/** Fields of a FACE container. */
export const FACE_SPEC: GroupSpec = {
  width: "one",
  height: "one",
  pixels: "one",
  box: "one",
  imageIndex: "one",
};

/**
 * Encodes a FACE container.
 *
 * @throws {TypeError} when the crop is empty or its pixel count is not `width * height`.
 */
export function faceField(face: WireFace): Field {
  const problem = facePixelProblem(face.width, face.height, face.pixels.length);
  if (problem !== undefined) throw new TypeError(problem);
  return field("face", [
    field("width", face.width),
    field("height", face.height),
    field("pixels", face.pixels),
    boxField(face.box),
    field("imageIndex", face.imageIndex),
  ]);
}

/** Decodes a FACE container, checking its pixel count. */
export function readFace(group: FieldGroup): WireFace {
  const width = group.number("width");
  const height = group.number("height");
  const pixels = group.bytes("pixels");
  const problem = facePixelProblem(width, height, pixels.length);
  if (problem !== undefined) throw new ProtocolError(problem);
  return {
    width,
    height,
    pixels,
    box: readBox(group.group("box", BOX_SPEC)),
    imageIndex: group.number("imageIndex"),
  };
}

function facePixelProblem(width: number, height: number, length: number): string | undefined {
  if (width < 1 || height < 1) {
    return `face crop must be at least 1x1, got ${width}x${height}`;
  }
  if (length !== width * height) {
    return `face crop of ${width}x${height} needs ${width * height} pixel bytes, got ${length}`;
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
