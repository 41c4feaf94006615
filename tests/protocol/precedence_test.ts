/**
 * docs/PROTOCOL.md §8.1: when a request breaks several rules, which one is reported; and
 * the rules of §5 on ids and ranges that a client author has to rely on.
 * @module
 */
import assert from "node:assert/strict";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  FrameReader,
  ProtocolError,
} from "../../lib/protocol/mod.ts";
import { assertProtocolError, concat, rawFrame, tlv, utf8 } from "./_helpers.ts";

const TAG = {
  status: 0x0001,
  message: 0x0002,
  token: 0x0003,
  name: 0x0004,
  algorithm: 0x0005,
  threshold: 0x0006,
  data: 0x0008,
  outcome: 0x0010,
  state: 0x0016,
  image: 0x8001,
  report: 0x8004,
  model: 0x8005,
} as const;
const OP = { enroll: 1, identify: 2, list: 3, forget: 4, stats: 5 } as const;

const u8 = (value: number) => new Uint8Array([value]);
const u32 = (value: number) => {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value);
  return out;
};
const f64 = (value: number) => {
  const out = new Uint8Array(8);
  new DataView(out.buffer).setFloat64(0, value);
  return out;
};
const overCapString = tlv(TAG.token, utf8("t".repeat(4097)));
const nested = (depth: number): Uint8Array =>
  depth === 0 ? tlv(TAG.data, u8(0)) : tlv(TAG.image, nested(depth - 1));

Deno.test("decodeRequest() reports a cap exceeded anywhere before a misplaced, duplicated or missing field", () => {
  const cases: [string, Uint8Array, RegExp][] = [
    [
      "a misplaced field, then an over-cap string",
      rawFrame(OP.list, tlv(TAG.name, utf8("x")), overCapString),
      /string of 4097 bytes exceeds the limit of 4096/,
    ],
    [
      "a duplicated field, then more fields than the cap",
      rawFrame(
        OP.forget,
        tlv(TAG.name, utf8("a")),
        tlv(TAG.name, utf8("b")),
        ...Array.from({ length: 1023 }, () => tlv(TAG.token, utf8("t"))),
      ),
      /more than 1024 fields/,
    ],
    [
      "a missing NAME, and nesting over the depth cap",
      rawFrame(OP.forget, nested(5)),
      /depth 5, over the limit of 4/,
    ],
  ];
  for (const [what, bytes, pattern] of cases) {
    const error = assertProtocolError(() => decodeRequest(bytes), "tooLarge", pattern);
    assert.equal(error.fatal, false, what);
  }
});

Deno.test("decodeRequest() reports the first field in wire order that breaks the walk of the body", () => {
  const badUtf8 = tlv(TAG.token, new Uint8Array([0xc3]));
  assertProtocolError(
    () => decodeRequest(rawFrame(OP.list, badUtf8, overCapString)),
    "badRequest",
    /offset 0: expected UTF-8 text/,
  );
  assertProtocolError(
    () => decodeRequest(rawFrame(OP.list, overCapString, badUtf8)),
    "tooLarge",
    /string of 4097 bytes/,
  );
  // A container's fields come before the field after the container.
  assertProtocolError(
    () =>
      decodeRequest(
        rawFrame(OP.identify, tlv(TAG.image, tlv(0x7777)), tlv(TAG.threshold, u8(1))),
      ),
    "badRequest",
    /unknown tag 0x7777 at offset 6 in image/,
  );
});

Deno.test("decodeRequest() checks misplaced and duplicated fields before missing ones, and the shape before values", () => {
  assertProtocolError(
    () => decodeRequest(rawFrame(OP.identify, tlv(TAG.name, utf8("x")))),
    "badRequest",
    /unexpected field name \(0x0004\) in identify request/,
  );
  assertProtocolError(
    () =>
      decodeRequest(
        rawFrame(OP.identify, tlv(TAG.threshold, f64(1)), tlv(TAG.threshold, f64(2))),
      ),
    "badRequest",
    /duplicated field threshold/,
  );
  assertProtocolError(
    () => decodeRequest(rawFrame(OP.identify, tlv(TAG.threshold, f64(1)))),
    "badRequest",
    /missing field algorithm/,
  );
  // An unknown ALGORITHM id is a value: the misplaced NAME after it is reported first.
  assertProtocolError(
    () => decodeRequest(rawFrame(OP.identify, tlv(TAG.algorithm, u8(9)), tlv(TAG.name, utf8("x")))),
    "badRequest",
    /unexpected field name/,
  );
});

Deno.test("decodeRequest() does not parse the body of an unknown op or of a response kind", () => {
  const garbage = concat(tlv(0x7777), overCapString, new Uint8Array([0, 1, 0]));
  for (const kind of [0, 11, 0x42, 0x7f]) {
    const error = assertProtocolError(
      () => decodeRequest({ kind, body: garbage }),
      "unknownOperation",
      new RegExp(`^unknown operation id ${kind}, expected 1\\.\\.\\d+$`),
    );
    assert.equal(error.op, kind);
  }
  const error = assertProtocolError(
    () => decodeRequest({ kind: 0x85, body: garbage }),
    "badRequest",
    /expected a request frame \(kind 0x00\.\.0x7f\), got response kind 0x85/,
  );
  assert.equal(error.op, 5);
});

Deno.test("decodeRequest() refuses a negative identify THRESHOLD and accepts 0", () => {
  const identify = (threshold: number) =>
    rawFrame(OP.identify, tlv(TAG.algorithm, u8(3)), tlv(TAG.threshold, f64(threshold)));
  for (const threshold of [0, -0, 0.5, Number.MAX_VALUE]) {
    const request = decodeRequest(identify(threshold));
    assert.ok(request.op === "identify" && Object.is(request.threshold, threshold));
  }
  for (const threshold of [-1, -Number.MIN_VALUE, -Number.MAX_VALUE]) {
    assertProtocolError(
      () => decodeRequest(identify(threshold)),
      "badRequest",
      /threshold: expected a distance >= 0, got -/,
    );
  }
});

Deno.test("encodeRequest() refuses a negative identify threshold", () => {
  assert.throws(
    () => encodeRequest({ op: "identify", algorithm: "lbph", threshold: -0.5 }),
    new RangeError("threshold: expected a distance >= 0, got -0.5"),
  );
  assert.ok(encodeRequest({ op: "identify", algorithm: "lbph", threshold: 0 }).length > 0);
});

Deno.test("decoders refuse ALGORITHM, OUTCOME, STATE and STATUS ids outside their tables", () => {
  assertProtocolError(
    () => decodeRequest(rawFrame(OP.identify, tlv(TAG.algorithm, u8(5)))),
    "badRequest",
    /unknown algorithm id 5, expected one of 1 \(eigen\), 2 \(fisher\), 3 \(lbph\), 4 \(dnn\)/,
  );
  const cases: [string, Uint8Array, RegExp][] = [
    ["STATUS 10", rawFrame(0x83, tlv(TAG.status, u8(10))), /unknown status id 10/],
    [
      "OUTCOME 6",
      rawFrame(
        0x81,
        tlv(TAG.status, u8(0)),
        tlv(TAG.name, utf8("a")),
        tlv(0x0012, u32(0)),
        tlv(0x0013, u32(0)),
        tlv(TAG.report, tlv(0x000f, u32(0)), tlv(TAG.outcome, u8(6)), tlv(0x0011, u32(0))),
      ),
      /unknown image outcome id 6/,
    ],
    [
      "STATE 6",
      rawFrame(
        0x85,
        tlv(TAG.status, u8(0)),
        tlv(0x0018, utf8("v")),
        tlv(0x0015, u32(0)),
        tlv(0x0011, u32(0)),
        tlv(TAG.model, tlv(TAG.algorithm, u8(1)), tlv(TAG.state, u8(6)), tlv(0x0011, u32(0))),
      ),
      /unknown model state id 6/,
    ],
  ];
  for (const [what, bytes, pattern] of cases) {
    assert.throws(
      () => decodeResponse(bytes),
      (e) => e instanceof ProtocolError && e.status === "badRequest" && pattern.test(e.message),
      what,
    );
  }
});

Deno.test("FrameReader.push() checks the header's fields in byte order as they arrive", () => {
  // Flags before length: both bad, the flags are reported.
  const both = concat(new Uint8Array([0x46, 0x52, 1, 2, 0, 1]), u32(0xffff_ffff));
  assertProtocolError(() => new FrameReader().push(both), "badRequest", /unknown header flags/);
  // Each field as soon as its bytes are in, without the rest of the header.
  const early: [Uint8Array, RegExp, number | undefined][] = [
    [utf8("GE"), /bad magic 0x4745/, undefined],
    [new Uint8Array([0x46, 0x52, 9]), /unsupported protocol version 9/, undefined],
    [new Uint8Array([0x46, 0x52, 1, 0x84, 0x80, 0]), /unknown header flags 0x8000/, 4],
  ];
  for (const [bytes, pattern, op] of early) {
    const reader = new FrameReader();
    const error = assertProtocolError(() => reader.push(bytes), "badRequest", pattern);
    assert.equal(error.fatal, true);
    assert.equal(error.op, op);
  }
});

Deno.test("FrameReader.pendingOp is the kind byte's op once it is in behind a good magic and version", () => {
  const frame = encodeRequest({ op: "forget", name: "Ada" });
  const reader = new FrameReader();
  const seen: (number | undefined)[] = [];
  for (let i = 0; i < frame.length; i++) {
    reader.push(frame.subarray(i, i + 1));
    seen.push(reader.pendingOp);
  }
  // Bytes 0..2 leave it unknown; from byte 3 on it is op 4; the frame done, unknown again.
  assert.deepEqual(seen.slice(0, 3), [undefined, undefined, undefined]);
  assert.ok(seen.slice(3, -1).every((op) => op === 4));
  assert.equal(seen.at(-1), undefined);
});
