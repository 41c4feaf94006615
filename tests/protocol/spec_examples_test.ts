/**
 * Keeps docs/PROTOCOL.md honest: its worked hex examples must be what the codec writes.
 * @module
 */

import assert from "node:assert/strict";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type Request,
  type Response,
} from "../../lib/protocol/mod.ts";

const SPEC = await Deno.readTextFile(new URL("../../docs/PROTOCOL.md", import.meta.url));

/** The bytes of the hex block that follows `<!-- example: name -->`. */
function example(name: string): Uint8Array {
  const match = SPEC.match(new RegExp(`<!-- example: ${name} -->\\s*\`\`\`\\n([^\`]*)\`\`\``));
  assert.ok(match?.[1], `docs/PROTOCOL.md has no example ${name}`);
  return Uint8Array.from(match[1].trim().split(/\s+/), (pair) => parseInt(pair, 16));
}

const pgm = new Uint8Array([...new TextEncoder().encode("P5\n2 2\n255\n"), 0x00, 0x40, 0x80, 0xff]);

Deno.test("docs/PROTOCOL.md's identify request example is what encodeRequest() writes", () => {
  const request: Request = {
    op: "identify",
    algorithm: "lbph",
    threshold: 60,
    images: [{ filename: "me.pgm", data: pgm }],
  };
  const bytes = example("identify-request");
  assert.equal(bytes.length, 70);
  assert.deepEqual(encodeRequest(request), bytes);
  assert.deepEqual(decodeRequest(bytes), request);
});

Deno.test("docs/PROTOCOL.md's list response example is what encodeResponse() writes", () => {
  const response: Response = {
    op: "list",
    status: "ok",
    people: [{ name: "Ada", faces: 6 }, { name: "Zoë", faces: 2 }],
  };
  const bytes = example("list-response");
  assert.equal(bytes.length, 68);
  assert.deepEqual(encodeResponse(response), bytes);
  assert.deepEqual(decodeResponse(bytes), response);
});

Deno.test("docs/PROTOCOL.md's error response example is what encodeResponse() writes", () => {
  const response: Response = {
    op: 9,
    status: "unknownOperation",
    message: "unknown operation id 9",
  };
  assert.deepEqual(encodeResponse(response), example("error-response"));
});
