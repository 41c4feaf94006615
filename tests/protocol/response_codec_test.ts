import assert from "node:assert/strict";
import {
  decodeResponse,
  encodeResponse,
  type Response,
  STATUS,
  TAGS,
} from "../../lib/protocol/mod.ts";
import {
  assertProtocolError,
  bytes,
  rawFrame,
  SAMPLE_RESPONSES,
  tlv,
  u32,
  utf8,
} from "./_helpers.ts";

const u8 = (value: number) => new Uint8Array([value]);
const ok = tlv(TAGS.status, u8(0));
/** Offset of the STATUS value when STATUS is the first field. */
const HEADER_STATUS_VALUE = 10 + 6;

Deno.test("decodeResponse() round-trips every sample response", () => {
  for (const response of SAMPLE_RESPONSES) {
    assert.deepEqual(decodeResponse(encodeResponse(response)), response);
  }
});

Deno.test("encodeResponse() sets the response bit and writes status first", () => {
  const encoded = encodeResponse({ op: "forget", status: "notFound", message: "no Bob" });
  assert.deepEqual(
    encoded,
    rawFrame(0x84, tlv(TAGS.status, u8(STATUS.notFound)), tlv(TAGS.message, utf8("no Bob"))),
  );
});

Deno.test("encodeResponse() writes every status code of the STATUS table", () => {
  for (const [status, code] of Object.entries(STATUS)) {
    if (status === "ok") continue;
    const response = { op: "stats", status, message: status } as Response;
    const encoded = encodeResponse(response);
    assert.equal(encoded[HEADER_STATUS_VALUE], code);
    assert.deepEqual(decodeResponse(encoded), response);
  }
});

Deno.test("decodeResponse() maps an absent name in a match to null", () => {
  const box = tlv(
    TAGS.box,
    tlv(TAGS.x, u32(1)),
    tlv(TAGS.y, u32(2)),
    tlv(TAGS.width, u32(3)),
    tlv(TAGS.height, u32(4)),
  );
  const f64 = (value: number) => {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setFloat64(0, value);
    return out;
  };
  const match = tlv(
    TAGS.match,
    box,
    tlv(TAGS.distance, f64(80)),
    tlv(TAGS.algorithm, u8(1)),
    tlv(TAGS.threshold, f64(50)),
  );
  const frame = rawFrame(0x82, ok, tlv(TAGS.width, u32(9)), tlv(TAGS.height, u32(8)), match);
  assert.deepEqual(decodeResponse(frame), {
    op: "identify",
    status: "ok",
    imageWidth: 9,
    imageHeight: 8,
    faces: [{
      box: { x: 1, y: 2, width: 3, height: 4 },
      name: null,
      distance: 80,
      algorithm: "eigen",
      threshold: 50,
      candidates: [],
    }],
  });
});

Deno.test("decodeResponse() keeps the raw op id of an error for an unknown op", () => {
  const frame = rawFrame(0x80 | 11, tlv(TAGS.status, u8(2)), tlv(TAGS.message, utf8("op 11?")));
  assert.deepEqual(decodeResponse(frame), {
    op: 11,
    status: "unknownOperation",
    message: "op 11?",
  });
});

Deno.test("decodeResponse() names a known op given as a number in an error", () => {
  const encoded = encodeResponse({ op: 2, status: "busy", message: "later" });
  assert.deepEqual(decodeResponse(encoded), { op: "identify", status: "busy", message: "later" });
});

Deno.test("decodeResponse() rejects a success response for an unknown op", () => {
  const error = assertProtocolError(
    () => decodeResponse(rawFrame(0x80 | 11, ok)),
    "unknownOperation",
    /unknown operation id 11 in a success response/,
  );
  assert.equal(error.op, 11);
});

Deno.test("decodeResponse() rejects a request frame", () => {
  assertProtocolError(
    () => decodeResponse(rawFrame(3)),
    "badRequest",
    /expected a response frame .* got request kind 0x3/,
  );
});

Deno.test("decodeResponse() rejects a missing or unknown status", () => {
  assertProtocolError(
    () => decodeResponse(rawFrame(0x83)),
    "badRequest",
    /missing field status \(0x0001\) in response/,
  );
  assertProtocolError(
    () => decodeResponse(rawFrame(0x83, tlv(TAGS.status, u8(200)))),
    "badRequest",
    /unknown status id 200, expected one of 0 \(ok\)/,
  );
});

Deno.test("decodeResponse() rejects a duplicated status", () => {
  assertProtocolError(
    () => decodeResponse(rawFrame(0x83, ok, ok)),
    "badRequest",
    /duplicated field status \(0x0001\) in list response/,
  );
});

Deno.test("decodeResponse() rejects an error without a message, and a message on success", () => {
  assertProtocolError(
    () => decodeResponse(rawFrame(0x83, tlv(TAGS.status, u8(8)))),
    "badRequest",
    /missing field message \(0x0002\) in error response/,
  );
  assertProtocolError(
    () => decodeResponse(rawFrame(0x83, ok, tlv(TAGS.message, utf8("hi")))),
    "badRequest",
    /unexpected field message \(0x0002\) in list response, expected only status, person/,
  );
});

Deno.test("decodeResponse() rejects an unknown outcome and model state", () => {
  const report = (outcome: number) =>
    tlv(
      TAGS.report,
      tlv(TAGS.index, u32(0)),
      tlv(TAGS.outcome, u8(outcome)),
      tlv(TAGS.faceCount, u32(0)),
    );
  const enroll = (...extra: Uint8Array[]) =>
    rawFrame(
      0x81,
      ok,
      tlv(TAGS.name, utf8("a")),
      tlv(TAGS.stored, u32(0)),
      tlv(TAGS.personFaces, u32(0)),
      ...extra,
    );
  assert.equal(decodeResponse(enroll(report(5))).op, "enroll");
  assertProtocolError(
    () => decodeResponse(enroll(report(6))),
    "badRequest",
    /unknown image outcome id 6/,
  );
  const model = tlv(
    TAGS.model,
    tlv(TAGS.algorithm, u8(1)),
    tlv(TAGS.state, u8(0)),
    tlv(TAGS.faceCount, u32(0)),
  );
  assertProtocolError(
    () => decodeResponse(enroll(model)),
    "badRequest",
    /unknown model state id 0/,
  );
});

Deno.test("encodeResponse() cuts an over-long error message at a character boundary", () => {
  const message = "é".repeat(3000); // 6000 UTF-8 bytes
  const decoded = decodeResponse(encodeResponse({ op: "stats", status: "internal", message }));
  assert.equal(decoded.status, "internal");
  assert.ok("message" in decoded);
  const size = new TextEncoder().encode(decoded.message).length;
  assert.ok(size <= 4096, `message is ${size} bytes`);
  assert.ok(size > 4090, `message is only ${size} bytes`);
  assert.ok(decoded.message.endsWith("é…"));
});

Deno.test("encodeResponse() rejects an error op id that does not fit the kind byte", () => {
  assert.throws(
    () => encodeResponse({ op: 0x80, status: "unknownOperation", message: "" }),
    /error op id must be an integer in 0\.\.127, got 128/,
  );
});

Deno.test("decodeResponse() gives image bytes as views into the frame", () => {
  const frame = encodeResponse({
    op: "identify",
    status: "ok",
    imageWidth: 1,
    imageHeight: 1,
    faces: [],
    image: bytes(4),
  });
  const decoded = decodeResponse(frame);
  assert.ok(decoded.op === "identify" && decoded.status === "ok");
  assert.equal(decoded.image?.buffer, frame.buffer);
});
