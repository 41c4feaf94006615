import assert from "node:assert/strict";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type Frame,
  FrameReader,
  ProtocolError,
} from "../../lib/protocol/mod.ts";
import {
  assertProtocolError,
  concat,
  rawFrame,
  SAMPLE_REQUESTS,
  SAMPLE_RESPONSES,
  splitAt,
  u32,
} from "./_helpers.ts";

const requests = SAMPLE_REQUESTS.map((request) => encodeRequest(request));
const stream = concat(...requests);

function pushAll(reader: FrameReader, chunks: Uint8Array[]): Frame[] {
  return chunks.flatMap((chunk) => reader.push(chunk));
}

Deno.test("FrameReader.push() yields frames fed one byte at a time", () => {
  const reader = new FrameReader();
  const frames: Frame[] = [];
  let midFrameSeen = false;
  for (let i = 0; i < stream.length; i++) {
    frames.push(...reader.push(stream.subarray(i, i + 1)));
    midFrameSeen ||= reader.midFrame;
  }
  reader.end();
  assert.ok(midFrameSeen);
  assert.equal(reader.midFrame, false);
  assert.deepEqual(frames.map((frame) => decodeRequest(frame)), SAMPLE_REQUESTS);
});

Deno.test("FrameReader.push() yields several frames from one chunk", () => {
  const reader = new FrameReader();
  const frames = reader.push(stream);
  assert.equal(frames.length, SAMPLE_REQUESTS.length);
  assert.deepEqual(frames.map((frame) => decodeRequest(frame)), SAMPLE_REQUESTS);
  reader.end();
});

Deno.test("FrameReader.push() joins frames split across chunks at any offset", () => {
  const responses = concat(...SAMPLE_RESPONSES.map((response) => encodeResponse(response)));
  for (let cut = 1; cut < responses.length; cut += 7) {
    const reader = new FrameReader();
    const frames = pushAll(reader, splitAt(responses, cut, Math.min(cut + 3, responses.length)));
    reader.end();
    assert.deepEqual(frames.map((frame) => decodeResponse(frame)), SAMPLE_RESPONSES);
  }
});

Deno.test("FrameReader.push() copies input, so callers may reuse their chunk buffer", () => {
  const frame = encodeRequest({ op: "forget", name: "Ada" });
  const scratch = new Uint8Array(1);
  const reader = new FrameReader();
  const frames: Frame[] = [];
  for (const byte of frame) {
    scratch[0] = byte;
    frames.push(...reader.push(scratch));
  }
  assert.equal(frames.length, 1);
  assert.deepEqual(decodeRequest(frames[0]!), { op: "forget", name: "Ada" });
});

Deno.test("FrameReader.push() yields a frame with an empty body", () => {
  const frames = new FrameReader().push(rawFrame(5));
  assert.deepEqual(frames, [{ kind: 5, body: new Uint8Array(0) }]);
});

Deno.test("FrameReader.push() rejects an over-cap length from the header alone", () => {
  const header = concat(new Uint8Array([0x46, 0x52, 1, 1, 0, 0]), u32(0xffff_fff0));
  const reader = new FrameReader();
  assert.deepEqual(reader.push(header.subarray(0, 9)), []);
  const error = assertProtocolError(
    () => reader.push(header.subarray(9)),
    "tooLarge",
    /frame body of 4294967280 bytes exceeds the limit of 67108864/,
  );
  assert.equal(error.fatal, true);
  assert.equal(error.op, 1);
  // Poisoned: the same error again, whatever comes next.
  assert.throws(() => reader.push(new Uint8Array([0])), (e) => e === error);
});

Deno.test("FrameReader.push() honours a smaller maxBodyBytes", () => {
  const frame = encodeRequest({ op: "forget", name: "abcd" }); // body of 10 bytes
  assert.equal(new FrameReader({ maxBodyBytes: 10 }).push(frame).length, 1);
  assertProtocolError(
    () => new FrameReader({ maxBodyBytes: 9 }).push(frame.subarray(0, 10)),
    "tooLarge",
    /frame body of 10 bytes exceeds the limit of 9/,
  );
});

Deno.test("FrameReader.push() does not allocate the declared length up front", () => {
  // 60 MiB declared but only 3 bytes sent: the reader must not hold 60 MiB for them.
  // `external` counts ArrayBuffer backing stores as allocated, even before pages are touched.
  const before = Deno.memoryUsage().external;
  const readers = Array.from({ length: 20 }, () => new FrameReader());
  for (const reader of readers) {
    reader.push(concat(new Uint8Array([0x46, 0x52, 1, 1, 0, 0]), u32(60 << 20), new Uint8Array(3)));
  }
  const grown = Deno.memoryUsage().external - before;
  assert.ok(grown < 20 << 20, `external memory grew by ${grown} bytes for 20 pending frames`);
  assert.ok(readers.every((reader) => reader.midFrame));
});

Deno.test("FrameReader.push() rejects a bad magic, version or flags", () => {
  const good = encodeRequest({ op: "list" });
  const cases: [number, number, RegExp][] = [
    [0, 0x47, /bad magic 0x4752, expected 0x4652/],
    [2, 2, /unsupported protocol version 2, expected 1/],
    [5, 1, /unknown header flags 0x0001, expected 0x0000/],
  ];
  for (const [offset, value, pattern] of cases) {
    const bad = good.slice();
    bad[offset] = value;
    const error = assertProtocolError(() => new FrameReader().push(bad), "badRequest", pattern);
    assert.equal(error.fatal, true);
  }
});

Deno.test("FrameReader.push() reads an HTTP request as a bad magic", () => {
  assertProtocolError(
    () => new FrameReader().push(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n")),
    "badRequest",
    /bad magic 0x4745/,
  );
});

Deno.test("FrameReader.end() accepts a clean end between frames", () => {
  const reader = new FrameReader();
  reader.end();
  const other = new FrameReader();
  assert.equal(other.push(stream).length, SAMPLE_REQUESTS.length);
  other.end();
  assert.throws(() => other.push(new Uint8Array([1])), TypeError);
});

Deno.test("FrameReader.end() rejects a stream cut inside a header or a body", () => {
  const frame = encodeRequest({ op: "forget", name: "abc" });
  const inHeader = new FrameReader();
  inHeader.push(frame.subarray(0, 4));
  const headerError = assertProtocolError(
    () => inHeader.end(),
    "badRequest",
    /stream ended inside a frame after 4 of 10 header bytes/,
  );
  assert.equal(headerError.fatal, true);
  assert.equal(headerError.op, 4, "the kind byte was in, behind a good magic and version");

  const inBody = new FrameReader();
  assert.deepEqual(inBody.push(frame.subarray(0, frame.length - 1)), []);
  const bodyError = assertProtocolError(
    () => inBody.end(),
    "badRequest",
    /stream ended inside a frame after 8 of 9 body bytes/,
  );
  assert.equal(bodyError.op, 4);
});

Deno.test("FrameReader.end() after a complete frame and a partial one still fails", () => {
  const reader = new FrameReader();
  const frames = reader.push(concat(requests[0]!, requests[1]!.subarray(0, 12)));
  assert.equal(frames.length, 1);
  assert.throws(() => reader.end(), ProtocolError);
});
