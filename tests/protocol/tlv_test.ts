import assert from "node:assert/strict";
import {
  decodeFields,
  encodeFields,
  type Field,
  ProtocolError,
  TAGS,
} from "../../lib/protocol/mod.ts";
import { assertProtocolError, concat, tlv, u32, utf8 } from "./_helpers.ts";

/** A BOX nested `depth` times, so its innermost fields sit at depth `depth + 1`. */
function nestedBoxes(depth: number): Uint8Array {
  let inner = tlv(TAGS.x, u32(1));
  for (let i = 0; i < depth; i++) inner = tlv(TAGS.box, inner);
  return inner;
}

Deno.test("decodeFields() decodes every value type", () => {
  const f64 = new Uint8Array(8);
  new DataView(f64.buffer).setFloat64(0, -1.5);
  const body = concat(
    tlv(TAGS.status, new Uint8Array([7])),
    tlv(TAGS.width, u32(0xffff_ffff)),
    tlv(TAGS.x, u32(0xffff_fffe)),
    tlv(TAGS.distance, f64),
    tlv(TAGS.name, utf8("Zoë")),
    tlv(TAGS.data, new Uint8Array([1, 2])),
    tlv(TAGS.image, tlv(TAGS.data, new Uint8Array(0))),
  );
  assert.deepEqual(decodeFields(body), [
    { tag: TAGS.status, value: 7 },
    { tag: TAGS.width, value: 0xffff_ffff },
    { tag: TAGS.x, value: -2 },
    { tag: TAGS.distance, value: -1.5 },
    { tag: TAGS.name, value: "Zoë" },
    { tag: TAGS.data, value: new Uint8Array([1, 2]) },
    { tag: TAGS.image, value: [{ tag: TAGS.data, value: new Uint8Array(0) }] },
  ]);
});

Deno.test("encodeFields() and decodeFields() agree on every value type", () => {
  const fields: Field[] = [
    { tag: TAGS.status, value: 255 },
    { tag: TAGS.x, value: -0x8000_0000 },
    { tag: TAGS.threshold, value: -0 },
    { tag: TAGS.message, value: "" },
    { tag: TAGS.match, value: [{ tag: TAGS.box, value: [{ tag: TAGS.y, value: 0x7fff_ffff }] }] },
  ];
  const decoded = decodeFields(encodeFields(fields));
  assert.deepEqual(decoded, fields);
  assert.ok(Object.is(decoded[2]?.value, -0));
});

Deno.test("decodeFields() rejects a value of the wrong length for its type", () => {
  assertProtocolError(
    () => decodeFields(tlv(TAGS.width, new Uint8Array(3))),
    "badRequest",
    /field width \(0x0009\) at offset 0: expected a 4-byte u32, got 3 bytes/,
  );
  assertProtocolError(
    () => decodeFields(tlv(TAGS.status, new Uint8Array(2))),
    "badRequest",
    /expected a 1-byte u8, got 2 bytes/,
  );
  assertProtocolError(
    () => decodeFields(tlv(TAGS.distance, new Uint8Array(4))),
    "badRequest",
    /expected a 8-byte f64, got 4 bytes/,
  );
});

Deno.test("decodeFields() rejects a non-finite f64", () => {
  const nan = new Uint8Array([0x7f, 0xf8, 0, 0, 0, 0, 0, 0]);
  assertProtocolError(
    () => decodeFields(tlv(TAGS.threshold, nan)),
    "badRequest",
    /expected a finite f64, got NaN/,
  );
});

Deno.test("decodeFields() rejects invalid UTF-8", () => {
  for (const bad of [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe2, 0x28, 0xa1]]) {
    const error = assertProtocolError(
      () => decodeFields(tlv(TAGS.name, new Uint8Array(bad))),
      "badRequest",
      /field name \(0x0004\) at offset 0: expected UTF-8 text, got invalid bytes/,
    );
    assert.ok(error.cause instanceof TypeError);
  }
});

Deno.test("decodeFields() keeps a leading byte-order mark", () => {
  const [field] = decodeFields(tlv(TAGS.name, new Uint8Array([0xef, 0xbb, 0xbf, 0x41])));
  assert.equal(field?.value, "\ufeffA");
});

Deno.test("decodeFields() rejects a field running past its container", () => {
  const field = tlv(TAGS.data, new Uint8Array(4));
  assertProtocolError(
    () => decodeFields(field.subarray(0, 8)),
    "badRequest",
    /field data \(0x0008\) at offset 0 declares 4 bytes, but 2 remain in frame body/,
  );
  // The inner field claims more than its IMAGE container holds, though the body has it.
  const inner = tlv(TAGS.data, new Uint8Array(4));
  const container = concat(new Uint8Array([0x80, 0x01]), u32(8), inner);
  assertProtocolError(
    () => decodeFields(container),
    "badRequest",
    /declares 4 bytes, but 2 remain in image/,
  );
});

Deno.test("decodeFields() rejects a truncated field header", () => {
  assertProtocolError(
    () => decodeFields(concat(tlv(TAGS.status, new Uint8Array([0])), new Uint8Array([0, 1, 0]))),
    "badRequest",
    /truncated field header at offset 7 in frame body: expected 6 bytes, got 3/,
  );
});

Deno.test("decodeFields() rejects an unknown tag, with or without the container bit", () => {
  for (const tag of [0x0000, 0x0022, 0x8000, 0x800b, 0xffff]) {
    assertProtocolError(
      () => decodeFields(tlv(tag)),
      "badRequest",
      new RegExp(`unknown tag 0x${tag.toString(16).padStart(4, "0")} at offset 0`),
    );
  }
});

Deno.test("decodeFields() enforces the nesting depth cap", () => {
  assert.equal(decodeFields(nestedBoxes(3)).length, 1); // innermost at depth 4
  assertProtocolError(
    () => decodeFields(nestedBoxes(4)),
    "tooLarge",
    /box nests fields at depth 5, over the limit of 4/,
  );
  assertProtocolError(
    () => decodeFields(nestedBoxes(2), { maxDepth: 2 }),
    "tooLarge",
    /depth 3, over the limit of 2/,
  );
});

Deno.test("decodeFields() enforces the field-count cap per container", () => {
  const fields = (n: number) => concat(...Array.from({ length: n }, () => tlv(TAGS.token)));
  assert.equal(decodeFields(fields(1024)).length, 1024);
  assertProtocolError(
    () => decodeFields(fields(1025)),
    "tooLarge",
    /frame body has more than 1024 fields, the limit/,
  );
  assertProtocolError(
    () => decodeFields(tlv(TAGS.image, fields(3)), { maxFieldsPerContainer: 2 }),
    "tooLarge",
    /image has more than 2 fields/,
  );
});

Deno.test("decodeFields() checks the string cap before decoding", () => {
  assertProtocolError(
    () => decodeFields(tlv(TAGS.name, new Uint8Array(4097).fill(0xff))),
    "tooLarge",
    /string of 4097 bytes exceeds the limit of 4096/,
  );
});

Deno.test("encodeFields() enforces depth and rejects mistyped values", () => {
  const deep: Field = {
    tag: TAGS.box,
    value: [{ tag: TAGS.box, value: [{ tag: TAGS.box, value: [{ tag: TAGS.box, value: [] }] }] }],
  };
  assert.equal(encodeFields([deep]).length, 24);
  assert.throws(
    () => encodeFields([{ tag: TAGS.box, value: [deep] }]),
    (e) => e instanceof ProtocolError && e.status === "tooLarge",
  );
  assert.throws(() => encodeFields([{ tag: 0x0999, value: 1 }]), TypeError);
  assert.throws(() => encodeFields([{ tag: TAGS.name, value: 1 }]), TypeError);
  assert.throws(() => encodeFields([{ tag: TAGS.status, value: 256 }]), RangeError);
  assert.throws(() => encodeFields([{ tag: TAGS.width, value: -1 }]), RangeError);
  assert.throws(() => encodeFields([{ tag: TAGS.x, value: 1.5 }]), RangeError);
  assert.throws(() => encodeFields([{ tag: TAGS.distance, value: Infinity }]), RangeError);
});
