import assert from "node:assert/strict";
import {
  decodeRequest,
  decodeResponse,
  encodeResponse,
  FrameReader,
  ProtocolError,
  toErrorResponse,
} from "../../lib/protocol/mod.ts";
import { rawFrame, tlv, utf8 } from "./_helpers.ts";

function caught(fn: () => unknown): ProtocolError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  assert.fail("expected a ProtocolError");
}

Deno.test("toErrorResponse() names the op of a body error", () => {
  const frame = { kind: 4, body: tlv(0x0004, utf8("a"), new Uint8Array([0xff])) };
  const error = caught(() => decodeRequest(frame));
  const response = toErrorResponse(error);
  assert.deepEqual(response, {
    op: "forget",
    status: "badRequest",
    message: "field name (0x0004) at offset 0: expected UTF-8 text, got invalid bytes",
  });
  assert.deepEqual(decodeResponse(encodeResponse(response)), response);
});

Deno.test("toErrorResponse() keeps the over-cap length status and op from the header", () => {
  const error = caught(() => new FrameReader({ maxBodyBytes: 1 }).push(rawFrame(2, utf8("xy"))));
  assert.deepEqual(toErrorResponse(error), {
    op: "identify",
    status: "tooLarge",
    message: "frame body of 2 bytes exceeds the limit of 1",
  });
});

Deno.test("toErrorResponse() falls back to the frame kind, then to op 0", () => {
  const error = new ProtocolError("no op known");
  assert.equal(toErrorResponse(error, 0x83).op, "list");
  assert.equal(toErrorResponse(error).op, 0);
  const badMagic = caught(() => new FrameReader().push(utf8("GET / HTTP/1.1\r\n")));
  assert.equal(toErrorResponse(badMagic).op, 0);
});
