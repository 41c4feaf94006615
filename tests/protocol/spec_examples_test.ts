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
import { OP_ID_RANGE } from "../../lib/protocol/codes.ts";
import { DEFAULT_LIMITS as DEFAULT_SERVICE_LIMITS } from "../../lib/service/limits.ts";
import { createLogger } from "../../lib/service/log.ts";
import { Server } from "../../lib/service/server.ts";
import { MemoryListener, readReplies } from "../service/_memory_listener.ts";

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

Deno.test("docs/PROTOCOL.md's verify response example is what encodeResponse() writes", () => {
  const response: Response = {
    op: "verify",
    status: "ok",
    algorithm: "dnn",
    faces: [1, 2],
    same: true,
    distance: 0.375,
    threshold: 0.55,
  };
  const bytes = example("verify-response");
  assert.equal(bytes.length, 79);
  assert.deepEqual(encodeResponse(response), bytes);
  assert.deepEqual(decodeResponse(bytes), response);
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

Deno.test("docs/PROTOCOL.md's error response example is what a server sends for op 11", async () => {
  // From the server itself, so that the page follows the code's wording and op ids.
  const listener = new MemoryListener();
  await using _ = Server.serve(listener, {
    limits: DEFAULT_SERVICE_LIMITS,
    log: createLogger("test", "silent"),
  }, () => Promise.reject(new Error("not reached")));
  const client = listener.connect();
  await client.write(encodeRequest({ op: "list" }).with(3, 11));
  const { frames } = await readReplies(client);
  client.close();
  const sent = encodeResponse(decodeResponse(frames[0]!));
  const bytes = example("error-response");
  assert.deepEqual(bytes, sent);
  assert.deepEqual(decodeResponse(bytes), {
    op: 11,
    status: "unknownOperation",
    message: `unknown operation id 11, expected ${OP_ID_RANGE}`,
  });
  // The prose around the example states its sizes and text (wherever the lines wrap).
  const section = SPEC.slice(SPEC.indexOf("### 10.3"), SPEC.indexOf("<!-- example: error-response"))
    .replaceAll(/\s+/g, " ");
  const message = (decodeResponse(bytes) as { message: string }).message;
  assert.ok(section.includes(`MESSAGE of ${utf8Length(message)} bytes`), section);
  assert.ok(section.includes(`${bytes.length} bytes in all`), section);
  assert.ok(section.includes(`\`${message}\``), section);
});

function utf8Length(text: string): number {
  return new TextEncoder().encode(text).length;
}
