import assert from "node:assert/strict";
import {
  decodeRequest,
  encodeRequest,
  ProtocolError,
  type Request,
  TAGS,
} from "../../lib/protocol/mod.ts";
import {
  assertProtocolError,
  bytes,
  rawFrame,
  SAMPLE_REQUESTS,
  tlv,
  u32,
  utf8,
} from "./_helpers.ts";

const name = (text: string) => tlv(TAGS.name, utf8(text));
const u8 = (value: number) => new Uint8Array([value]);
const f64 = (value: number) => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, value);
  return out;
};

Deno.test("decodeRequest() round-trips every sample request", () => {
  for (const request of SAMPLE_REQUESTS) {
    assert.deepEqual(decodeRequest(encodeRequest(request)), request);
  }
});

Deno.test("encodeRequest() writes the header and fields the spec describes", () => {
  const encoded = encodeRequest({ op: "forget", token: "k", name: "Al" });
  const expected = rawFrame(4, tlv(TAGS.token, utf8("k")), name("Al"));
  assert.deepEqual(encoded, expected);
});

Deno.test("decodeRequest() accepts fields in any order", () => {
  const frame = rawFrame(
    2,
    tlv(TAGS.image, tlv(TAGS.data, bytes(2))),
    tlv(TAGS.algorithm, u8(2)),
    tlv(TAGS.token, utf8("t")),
  );
  assert.deepEqual(decodeRequest(frame), {
    op: "identify",
    token: "t",
    algorithm: "fisher",
    images: [{ data: bytes(2) }],
  });
});

Deno.test("encodeRequest() sends an empty list as no field", () => {
  const request: Request = { op: "enroll", name: "A", images: [], faces: [] };
  assert.deepEqual(encodeRequest(request), rawFrame(1, name("A")));
  assert.deepEqual(decodeRequest(encodeRequest(request)), { op: "enroll", name: "A" });
});

Deno.test("decodeRequest() takes a Frame object as well as bytes", () => {
  const request = decodeRequest({ kind: 3, body: tlv(TAGS.token, utf8("abc")) });
  assert.deepEqual(request, { op: "list", token: "abc" });
});

Deno.test("decodeRequest() rejects an unknown op with its raw id", () => {
  for (const kind of [0, 11, 0x7f]) {
    const error = assertProtocolError(
      () => decodeRequest(rawFrame(kind)),
      "unknownOperation",
      new RegExp(`unknown operation id ${kind}, expected 1\\.\\.10`),
    );
    assert.equal(error.op, kind);
    assert.equal(error.fatal, false);
  }
});

Deno.test("decodeRequest() rejects a response frame", () => {
  assertProtocolError(
    () => decodeRequest(rawFrame(0x83, tlv(TAGS.status, u8(0)))),
    "badRequest",
    /expected a request frame .* got response kind 0x83/,
  );
});

Deno.test("decodeRequest() rejects a duplicated field", () => {
  const error = assertProtocolError(
    () => decodeRequest(rawFrame(4, name("a"), name("b"))),
    "badRequest",
    /duplicated field name \(0x0004\) in forget request, expected at most one/,
  );
  assert.equal(error.op, 4);
  assert.equal(error.fatal, false);
});

Deno.test("decodeRequest() rejects a duplicated field inside a container", () => {
  const image = tlv(TAGS.image, tlv(TAGS.data, bytes(1)), tlv(TAGS.data, bytes(1)));
  assertProtocolError(
    () => decodeRequest(rawFrame(1, name("a"), image)),
    "badRequest",
    /duplicated field data \(0x0008\) in image in enroll request/,
  );
});

Deno.test("decodeRequest() rejects a missing required field", () => {
  assertProtocolError(
    () => decodeRequest(rawFrame(4)),
    "badRequest",
    /missing field name \(0x0004\) in forget request, it is required/,
  );
  assertProtocolError(
    () => decodeRequest(rawFrame(1, name("a"), tlv(TAGS.image, tlv(TAGS.filename, utf8("f"))))),
    "badRequest",
    /missing field data \(0x0008\) in image in enroll request/,
  );
});

Deno.test("decodeRequest() rejects a known tag where the message does not allow it", () => {
  assertProtocolError(
    () => decodeRequest(rawFrame(3, name("a"))),
    "badRequest",
    /unexpected field name \(0x0004\) in list request, expected only token/,
  );
});

Deno.test("decodeRequest() rejects an unknown tag", () => {
  assertProtocolError(
    () => decodeRequest(rawFrame(3, tlv(0x0777, u8(1)))),
    "badRequest",
    /unknown tag 0x0777 at offset 0 in frame body/,
  );
});

Deno.test("decodeRequest() rejects an unknown algorithm id", () => {
  assertProtocolError(
    () => decodeRequest(rawFrame(2, tlv(TAGS.algorithm, u8(5)))),
    "badRequest",
    /unknown algorithm id 5, expected one of 1 \(eigen\), 2 \(fisher\), 3 \(lbph\), 4 \(dnn\)/,
  );
});

Deno.test("decodeRequest() rejects a face whose pixel count is not width*height", () => {
  const face = (width: number, height: number, pixels: number) =>
    tlv(
      TAGS.face,
      tlv(TAGS.width, u32(width)),
      tlv(TAGS.height, u32(height)),
      tlv(TAGS.pixels, bytes(pixels)),
      tlv(
        TAGS.box,
        tlv(TAGS.x, u32(0)),
        tlv(TAGS.y, u32(0)),
        tlv(TAGS.width, u32(1)),
        tlv(TAGS.height, u32(1)),
      ),
      tlv(TAGS.imageIndex, u32(0)),
    );
  const request = (f: Uint8Array) => rawFrame(2, tlv(TAGS.algorithm, u8(3)), f);
  assert.equal(decodeRequest(request(face(3, 2, 6))).op, "identify");
  assertProtocolError(
    () => decodeRequest(request(face(3, 2, 5))),
    "badRequest",
    /face crop of 3x2 needs 6 pixel bytes, got 5/,
  );
  assertProtocolError(
    () => decodeRequest(request(face(0, 2, 0))),
    "badRequest",
    /face crop must be at least 1x1, got 0x2/,
  );
});

Deno.test("decodeRequest() rejects trailing bytes after the frame", () => {
  const bytesWithTail = new Uint8Array([...encodeRequest({ op: "list" }), 0]);
  const error = assertProtocolError(
    () => decodeRequest(bytesWithTail),
    "badRequest",
    /1 trailing bytes after a frame of 10 bytes/,
  );
  assert.equal(error.fatal, true);
});

Deno.test("decodeRequest() rejects a body shorter than the header declares", () => {
  assertProtocolError(
    () => decodeRequest(encodeRequest({ op: "forget", name: "abc" }).subarray(0, 15)),
    "badRequest",
    /truncated frame: header declares 9 body bytes, got 5/,
  );
});

Deno.test("decodeRequest() rejects a string longer than maxStringBytes", () => {
  const frame = rawFrame(4, name("abcde"));
  assert.deepEqual(decodeRequest(frame, { maxStringBytes: 5 }), { op: "forget", name: "abcde" });
  assertProtocolError(
    () => decodeRequest(frame, { maxStringBytes: 4 }),
    "tooLarge",
    /string of 5 bytes exceeds the limit of 4/,
  );
});

Deno.test("encodeRequest() refuses what a peer with the same caps would reject", () => {
  assert.throws(
    () => encodeRequest({ op: "forget", name: "x".repeat(4097) }),
    (e) =>
      e instanceof ProtocolError && e.status === "tooLarge" && /4097 UTF-8 bytes/.test(e.message),
  );
  const images = Array.from({ length: 3 }, () => ({ data: bytes(1) }));
  assert.throws(
    () => encodeRequest({ op: "enroll", name: "a", images }, { maxFieldsPerContainer: 3 }),
    (e) => e instanceof ProtocolError && e.status === "tooLarge" && /4 fields/.test(e.message),
  );
  assert.throws(
    () => encodeRequest({ op: "enroll", name: "a", images }, { maxBodyBytes: 40 }),
    (e) => e instanceof ProtocolError && e.status === "tooLarge" && /limit of 40/.test(e.message),
  );
});

Deno.test("encodeRequest() rejects values outside the wire types", () => {
  const face = { width: 2, height: 2, pixels: bytes(3), box: { x: 0, y: 0, width: 1, height: 1 } };
  assert.throws(
    () => encodeRequest({ op: "enroll", name: "a", faces: [{ ...face, imageIndex: 0 }] }),
    TypeError,
  );
  assert.throws(
    () => encodeRequest({ op: "identify", algorithm: "knn" as "lbph" }),
    /algorithm must be one of eigen, fisher, lbph, dnn, got knn/,
  );
  assert.throws(
    () => encodeRequest({ op: "identify", algorithm: "lbph", threshold: Number.NaN }),
    RangeError,
  );
  assert.throws(
    () => encodeRequest({ op: "forget", name: "bad \ud800 surrogate" }),
    /well-formed Unicode/,
  );
  assert.throws(() => encodeRequest({ op: "nope" } as unknown as Request), TypeError);
});

Deno.test("decodeRequest() rejects LANDMARKS that are not 80 bytes and a CHIP of the wrong size", () => {
  const face = (...extra: Uint8Array[]) =>
    tlv(
      TAGS.face,
      tlv(TAGS.width, u32(1)),
      tlv(TAGS.height, u32(1)),
      tlv(TAGS.pixels, bytes(1)),
      tlv(
        TAGS.box,
        tlv(TAGS.x, u32(0)),
        tlv(TAGS.y, u32(0)),
        tlv(TAGS.width, u32(1)),
        tlv(TAGS.height, u32(1)),
      ),
      tlv(TAGS.imageIndex, u32(0)),
      ...extra,
    );
  const identify = (...extra: Uint8Array[]) =>
    rawFrame(2, tlv(TAGS.algorithm, u8(4)), face(...extra));
  assertProtocolError(
    () => decodeRequest(identify(tlv(TAGS.landmarks, bytes(79)))),
    "badRequest",
    /landmarks: expected 80 bytes \(5 points of 2 f64\), got 79/,
  );
  const chip = (w: number, h: number, n: number) =>
    tlv(TAGS.chip, tlv(TAGS.width, u32(w)), tlv(TAGS.height, u32(h)), tlv(TAGS.pixels, bytes(n)));
  assertProtocolError(
    () => decodeRequest(identify(chip(2, 2, 4))),
    "badRequest",
    /chip of 2x2 needs 12 pixel bytes, got 4/,
  );
  const ok = decodeRequest(identify(chip(2, 2, 12), tlv(TAGS.score, f64(0.5))));
  assert.equal(ok.op === "identify" && ok.faces?.[0]?.chip?.pixels.length, 12);
  assert.equal(ok.op === "identify" && ok.faces?.[0]?.score, 0.5);
  const nan = new Uint8Array(80);
  new DataView(nan.buffer).setFloat64(0, NaN);
  assertProtocolError(
    () => decodeRequest(identify(tlv(TAGS.landmarks, nan))),
    "badRequest",
    /landmark 0: expected finite coordinates/,
  );
});

Deno.test("decodeRequest() accepts LARGEST 0 or 1 only", () => {
  const enroll = (value: number) =>
    rawFrame(
      1,
      name("Ada"),
      tlv(TAGS.largest, u8(value)),
      tlv(TAGS.image, tlv(TAGS.data, bytes(1))),
    );
  const one = decodeRequest(enroll(1));
  assert.equal(one.op === "enroll" && one.largest, true);
  const zero = decodeRequest(enroll(0));
  assert.equal(zero.op === "enroll" && zero.largest, undefined);
  assertProtocolError(
    () => decodeRequest(enroll(2)),
    "badRequest",
    /largest: expected 0 or 1, got 2/,
  );
});
