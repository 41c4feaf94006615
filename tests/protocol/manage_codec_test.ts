/** The codec of the ops added for issue 12: verify, rename, faces, forget one face, export. */
import assert from "node:assert/strict";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  OPS,
  TAGS,
} from "../../lib/protocol/mod.ts";
import { assertProtocolError, concat, rawFrame, tlv, u32, utf8 } from "./_helpers.ts";

const u8 = (value: number) => Uint8Array.of(value);
const f64 = (value: number) => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setFloat64(0, value);
  return bytes;
};
const ok = tlv(TAGS.status, u8(0));
const dnn = tlv(TAGS.algorithm, u8(4));

Deno.test("OPS numbers the new ops 6 to 10, after the first five", () => {
  assert.deepEqual(
    [OPS.verify, OPS.rename, OPS.faces, OPS.forgetFace, OPS.export],
    [6, 7, 8, 9, 10],
  );
});

Deno.test("encodeRequest() writes rename, forget one face and export byte for byte", () => {
  assert.deepEqual(
    encodeRequest({ op: "rename", name: "Ada", newName: "Zoë" }),
    rawFrame(7, tlv(TAGS.name, utf8("Ada")), tlv(TAGS.newName, utf8("Zoë"))),
  );
  assert.deepEqual(
    encodeRequest({ op: "forgetFace", name: "Ada", faceId: 12 }),
    rawFrame(9, tlv(TAGS.name, utf8("Ada")), tlv(TAGS.faceId, u32(12))),
  );
  assert.deepEqual(
    encodeRequest({ op: "export", name: "Ada" }),
    rawFrame(10, tlv(TAGS.name, utf8("Ada"))),
  );
  assert.deepEqual(TAGS.faceId, 0x001d);
  assert.deepEqual([TAGS.createdAt, TAGS.newName, TAGS.same, TAGS.aligned], [
    0x1e,
    0x1f,
    0x20,
    0x21,
  ]);
  assert.equal(TAGS.storedFace, 0x800a);
});

Deno.test("decodeRequest() requires each new op's fields and refuses others", () => {
  assertProtocolError(
    () => decodeRequest(rawFrame(7, tlv(TAGS.name, utf8("Ada")))),
    "badRequest",
    /missing field newName \(0x001f\) in rename request/,
  );
  assertProtocolError(
    () => decodeRequest(rawFrame(9, tlv(TAGS.name, utf8("Ada")))),
    "badRequest",
    /missing field faceId \(0x001d\) in forgetFace request/,
  );
  assertProtocolError(
    () => decodeRequest(rawFrame(8, tlv(TAGS.name, utf8("Ada")), tlv(TAGS.faceId, u32(1)))),
    "badRequest",
    /unexpected field faceId \(0x001d\) in faces request/,
  );
  assertProtocolError(
    () => decodeRequest(rawFrame(6, tlv(TAGS.name, utf8("Ada")))),
    "badRequest",
    /missing field algorithm \(0x0005\) in verify request/,
  );
  assertProtocolError(
    () => decodeRequest(rawFrame(6, dnn, tlv(TAGS.threshold, f64(-1)))),
    "badRequest",
    /threshold: expected a distance >= 0, got -1/,
  );
  assert.throws(
    () => encodeRequest({ op: "verify", algorithm: "dnn", threshold: -0.5, images: [] }),
    RangeError,
  );
});

Deno.test("decodeResponse() reads a verify with no comparison when a photo had no face", () => {
  const bytes = rawFrame(
    0x86,
    ok,
    dnn,
    tlv(TAGS.faceCount, u32(1)),
    tlv(TAGS.faceCount, u32(0)),
  );
  assert.deepEqual(decodeResponse(bytes), {
    op: "verify",
    status: "ok",
    algorithm: "dnn",
    faces: [1, 0],
  });
  assert.deepEqual(
    encodeResponse({ op: "verify", status: "ok", algorithm: "dnn", faces: [1, 0] }),
    bytes,
  );
});

Deno.test("decodeResponse() refuses a verify with only part of its comparison", () => {
  assertProtocolError(
    () => decodeResponse(rawFrame(0x86, ok, dnn, tlv(TAGS.distance, f64(0.3)))),
    "badRequest",
    /same, distance and threshold come together, got 1 of 3/,
  );
  assertProtocolError(
    () =>
      decodeResponse(
        rawFrame(
          0x86,
          ok,
          dnn,
          tlv(TAGS.same, u8(2)),
          tlv(TAGS.distance, f64(0.3)),
          tlv(TAGS.threshold, f64(0.5)),
        ),
      ),
    "badRequest",
    /same: expected 0 or 1, got 2/,
  );
  assert.throws(
    () => encodeResponse({ op: "verify", status: "ok", algorithm: "dnn", faces: [1], same: true }),
    /same, distance and threshold go together/,
  );
});

Deno.test("decodeResponse() keeps image data out of faces and requires it in export", () => {
  const face = (...extra: Uint8Array[]) =>
    tlv(
      TAGS.storedFace,
      tlv(TAGS.faceId, u32(3)),
      tlv(TAGS.createdAt, f64(1_764_628_800_000)),
      tlv(TAGS.aligned, u8(1)),
      ...extra,
    );
  const head = concat(ok, tlv(TAGS.name, utf8("Ada")), tlv(TAGS.faceCount, u32(1)));
  assert.deepEqual(decodeResponse(rawFrame(0x88, head, face())), {
    op: "faces",
    status: "ok",
    name: "Ada",
    total: 1,
    faces: [{ id: 3, createdAt: 1_764_628_800_000, aligned: true }],
  });
  assertProtocolError(
    () => decodeResponse(rawFrame(0x88, head, face(tlv(TAGS.data, u8(1))))),
    "badRequest",
    /unexpected field data \(0x0008\) in storedFace in faces response/,
  );
  assertProtocolError(
    () => decodeResponse(rawFrame(0x8a, head, face())),
    "badRequest",
    /missing field data \(0x0008\) in storedFace in export response/,
  );
  const exported = decodeResponse(rawFrame(0x8a, head, face(tlv(TAGS.data, u8(7)))));
  assert.ok(exported.op === "export" && exported.status === "ok");
  assert.deepEqual(exported.faces[0]!.png, u8(7));
});
