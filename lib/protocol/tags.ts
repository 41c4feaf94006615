/**
 * The tag table of the TLV body: every tag has one name and one value type, everywhere.
 * Which tags a given message or container allows is decided by the typed mapping
 * (request_codec.ts, response_codec.ts); docs/PROTOCOL.md lists both.
 *
 * @module
 */

/** Value types of TLV fields. Integers and floats are big-endian. */
export type ValueType = "u8" | "u32" | "i32" | "f64" | "string" | "bytes" | "container";

/** Set on every container tag, so a generic tool can walk a body without the table. */
export const CONTAINER_BIT = 0x8000;

/** Tag numbers by name. */
export const TAGS = {
  status: 0x0001,
  message: 0x0002,
  token: 0x0003,
  name: 0x0004,
  algorithm: 0x0005,
  threshold: 0x0006,
  filename: 0x0007,
  data: 0x0008,
  width: 0x0009,
  height: 0x000a,
  pixels: 0x000b,
  x: 0x000c,
  y: 0x000d,
  imageIndex: 0x000e,
  index: 0x000f,
  outcome: 0x0010,
  faceCount: 0x0011,
  stored: 0x0012,
  personFaces: 0x0013,
  removedFaces: 0x0014,
  peopleCount: 0x0015,
  state: 0x0016,
  distance: 0x0017,
  version: 0x0018,
  score: 0x0019,
  landmarks: 0x001a,
  largest: 0x001b,
  wait: 0x001c,
  faceId: 0x001d,
  createdAt: 0x001e,
  newName: 0x001f,
  same: 0x0020,
  aligned: 0x0021,
  image: 0x8001,
  face: 0x8002,
  box: 0x8003,
  report: 0x8004,
  model: 0x8005,
  match: 0x8006,
  candidate: 0x8007,
  person: 0x8008,
  chip: 0x8009,
  storedFace: 0x800a,
} as const;
/** A tag name. */
export type TagName = keyof typeof TAGS;

/** The value type of each tag. */
export const TAG_TYPES: { readonly [K in TagName]: ValueType } = {
  status: "u8",
  message: "string",
  token: "string",
  name: "string",
  algorithm: "u8",
  threshold: "f64",
  filename: "string",
  data: "bytes",
  width: "u32",
  height: "u32",
  pixels: "bytes",
  x: "i32",
  y: "i32",
  imageIndex: "u32",
  index: "u32",
  outcome: "u8",
  faceCount: "u32",
  stored: "u32",
  personFaces: "u32",
  removedFaces: "u32",
  peopleCount: "u32",
  state: "u8",
  distance: "f64",
  version: "string",
  score: "f64",
  landmarks: "bytes",
  largest: "u8",
  wait: "u8",
  faceId: "u32",
  createdAt: "f64",
  newName: "string",
  same: "u8",
  aligned: "u8",
  image: "container",
  face: "container",
  box: "container",
  report: "container",
  model: "container",
  match: "container",
  candidate: "container",
  person: "container",
  chip: "container",
  storedFace: "container",
};

/** What the table says about one tag number. */
export interface TagInfo {
  /** The tag's name, a key of {@link TAGS}. */
  readonly name: TagName;
  /** How its value is encoded. */
  readonly type: ValueType;
}

const BY_NUMBER: ReadonlyMap<number, TagInfo> = new Map(
  (Object.keys(TAGS) as TagName[]).map((name) => [TAGS[name], { name, type: TAG_TYPES[name] }]),
);

/**
 * Looks a tag number up in the table.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { tagInfo } from "./tags.ts";
 *
 * assert.deepEqual(tagInfo(0x0004), { name: "name", type: "string" });
 * assert.equal(tagInfo(0x7777), undefined);
 * ```
 */
export function tagInfo(tag: number): TagInfo | undefined {
  return BY_NUMBER.get(tag);
}

/** `name (0x0004)` for messages; hex alone for tags outside the table. */
export function describeTag(tag: number): string {
  const hex = `0x${tag.toString(16).padStart(4, "0")}`;
  const info = BY_NUMBER.get(tag);
  return info === undefined ? hex : `${info.name} (${hex})`;
}
