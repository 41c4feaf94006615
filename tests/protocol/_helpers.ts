/**
 * Hand-built bytes and sample messages for the protocol tests. The byte builders do not
 * use the codec, so a test built on them checks the codec against the spec, not itself.
 * @module
 */

import assert from "node:assert/strict";
import { ProtocolError, type Request, type Response } from "../../lib/protocol/mod.ts";

/** Asserts `fn` throws a ProtocolError with `status` whose message matches `pattern`. */
export function assertProtocolError(
  fn: () => unknown,
  status: ProtocolError["status"],
  pattern: RegExp,
): ProtocolError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ProtocolError, `expected a ProtocolError, got ${caught}`);
  assert.equal(caught.name, "ProtocolError");
  assert.equal(caught.status, status);
  assert.match(caught.message, pattern);
  return caught;
}

/** Concatenates byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** A u32 in big-endian order. */
export function u32(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
}

/** One TLV field: tag u16, length u32, value. */
export function tlv(tag: number, ...value: Uint8Array[]): Uint8Array {
  const body = concat(...value);
  return concat(new Uint8Array([tag >> 8, tag & 0xff]), u32(body.length), body);
}

/** A string field value. */
export function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** A frame header ("FR", version 1, kind, flags 0, length) followed by the body. */
export function rawFrame(kind: number, ...body: Uint8Array[]): Uint8Array {
  const joined = concat(...body);
  return concat(new Uint8Array([0x46, 0x52, 1, kind, 0, 0]), u32(joined.length), joined);
}

/** Bytes counting up from `start`, for recognisable payloads. */
export function bytes(length: number, start = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);
}

/** Splits `data` into chunks at the given offsets. */
export function splitAt(data: Uint8Array, ...offsets: number[]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  let previous = 0;
  for (const offset of [...offsets, data.length]) {
    chunks.push(data.slice(previous, offset));
    previous = offset;
  }
  return chunks;
}

const box = { x: -3, y: 4, width: 30, height: 40 };

/** One request of every op, with every optional field used somewhere. */
export const SAMPLE_REQUESTS: readonly Request[] = [
  {
    op: "enroll",
    token: "s3cret",
    name: "Ada Lovelace",
    images: [{ filename: "ada 1.jpg", data: bytes(20) }, { data: bytes(3, 7) }],
  },
  {
    op: "enroll",
    name: "Zoë",
    faces: [
      { width: 2, height: 3, pixels: bytes(6), box, imageIndex: 0 },
      { width: 1, height: 1, pixels: bytes(1, 9), box, imageIndex: 4 },
    ],
  },
  { op: "enroll", name: "nobody" },
  {
    op: "identify",
    algorithm: "lbph",
    threshold: 72.5,
    images: [{ filename: "group.png", data: bytes(50) }],
  },
  {
    op: "identify",
    token: "t",
    algorithm: "fisher",
    faces: [{ width: 4, height: 2, pixels: bytes(8, 100), box, imageIndex: 0 }],
  },
  { op: "identify", algorithm: "eigen", images: [{ data: bytes(1) }] },
  { op: "list" },
  { op: "list", token: "" },
  { op: "forget", name: "Ada Lovelace" },
  { op: "stats", token: "x" },
  {
    op: "enroll",
    name: "Grace",
    largest: true,
    images: [{ filename: "group.jpg", data: bytes(30) }],
  },
  {
    op: "identify",
    algorithm: "dnn",
    faces: [{
      width: 2,
      height: 1,
      pixels: bytes(2),
      box,
      imageIndex: 0,
      chip: { width: 2, height: 2, pixels: bytes(12, 40) },
      landmarks: [
        { x: 10.5, y: 20.25 },
        { x: 30, y: 20 },
        { x: 20, y: 30 },
        { x: 12, y: 40 },
        { x: -1.5, y: 40.125 },
      ],
      score: 0.875,
      filename: "me.jpg",
    }],
  },
  {
    op: "verify",
    token: "k",
    algorithm: "dnn",
    threshold: 0.5,
    images: [{ filename: "a.jpg", data: bytes(10) }, { data: bytes(4, 3) }],
  },
  {
    op: "verify",
    algorithm: "lbph",
    name: "Ada",
    faces: [{ width: 2, height: 1, pixels: bytes(2), box, imageIndex: 0, score: 0.5 }],
  },
  { op: "rename", token: "k", name: "Ada", newName: "Ada Lovelace" },
  { op: "faces", name: "Zoë" },
  { op: "forgetFace", name: "Ada", faceId: 4_000_000_000 },
  { op: "export", token: "", name: "Ada" },
];

const models = [
  { algorithm: "eigen", state: "ready", faces: 10 },
  { algorithm: "fisher", state: "unavailable", faces: 0, message: "needs two people" },
  { algorithm: "lbph", state: "stale", faces: 9 },
] as const;

/** One response of every op, success and error, with every optional field used somewhere. */
export const SAMPLE_RESPONSES: readonly Response[] = [
  {
    op: "enroll",
    status: "ok",
    name: "Ada",
    stored: 1,
    personFaces: 6,
    images: [
      { index: 0, outcome: "stored", faces: 1 },
      { index: 1, outcome: "no_face", faces: 0, data: bytes(5) },
      { index: 2, outcome: "several_faces", faces: 3, message: "3 faces" },
      { index: 3, outcome: "unreadable", faces: 0, message: "not an image" },
    ],
    models: [...models],
  },
  {
    op: "identify",
    status: "ok",
    imageWidth: 640,
    imageHeight: 480,
    faces: [
      {
        box,
        name: "Ada",
        distance: 12.25,
        algorithm: "lbph",
        threshold: 60,
        candidates: [{ name: "Ada", distance: 12.25 }, { name: "Bob", distance: 70.5 }],
      },
      { box, name: null, distance: 99, algorithm: "lbph", threshold: 60, candidates: [] },
      {
        box,
        score: 0.9921875,
        landmarks: [
          { x: 1, y: 2 },
          { x: 3, y: 4 },
          { x: 5, y: 6 },
          { x: 7, y: 8 },
          { x: 9, y: 10 },
        ],
        name: "Ada",
        distance: 0.25,
        algorithm: "dnn",
        threshold: 0.45,
        candidates: [{ name: "Ada", distance: 0.25 }],
      },
    ],
  },
  {
    op: "identify",
    status: "ok",
    imageWidth: 1,
    imageHeight: 1,
    faces: [],
    image: bytes(9),
  },
  { op: "list", status: "ok", people: [{ name: "Ada", faces: 6 }, { name: "Bob", faces: 1 }] },
  { op: "list", status: "ok", people: [] },
  { op: "forget", status: "ok", name: "Bob", removedFaces: 1, models: [] },
  { op: "stats", status: "ok", version: "0.1.0", people: 2, faces: 7, models: [...models] },
  {
    op: "verify",
    status: "ok",
    algorithm: "dnn",
    faces: [1, 3],
    same: true,
    distance: 0.3125,
    threshold: 0.55,
  },
  {
    op: "verify",
    status: "ok",
    algorithm: "lbph",
    faces: [1],
    name: "Ada",
    same: false,
    distance: 80,
    threshold: 73,
  },
  { op: "verify", status: "ok", algorithm: "dnn", faces: [1, 0] },
  { op: "rename", status: "ok", name: "Ada", newName: "Ada Lovelace" },
  {
    op: "faces",
    status: "ok",
    name: "Ada",
    total: 3,
    faces: [
      { id: 1, createdAt: 1764628800123, filename: "ada.jpg", score: 0.9375, aligned: true },
      { id: 7, createdAt: 1764628800999, aligned: false },
    ],
  },
  { op: "faces", status: "ok", name: "Bob", total: 0, faces: [] },
  { op: "forgetFace", status: "ok", name: "Ada", faceId: 7, personFaces: 2, models: [...models] },
  {
    op: "export",
    status: "ok",
    name: "Ada",
    total: 2,
    faces: [
      { id: 1, createdAt: 1, filename: "ada.jpg", score: 0.5, aligned: true, png: bytes(8) },
      { id: 2, createdAt: 2, aligned: false, png: bytes(3, 1) },
    ],
  },
  { op: "rename", status: "badRequest", message: '"Bob" is already enrolled' },
  { op: "identify", status: "notReady", message: "fisher needs at least two people" },
  { op: "enroll", status: "badRequest", message: "" },
  { op: 0x42, status: "unknownOperation", message: "unknown operation 66" },
];
