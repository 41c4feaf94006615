/**
 * The server against docs/PROTOCOL.md §5.8, §8 and §9, in memory: which kind an error
 * reply has, what is answered before a connection is closed, and what keeps it open.
 */
import assert from "node:assert/strict";
import { encodeRequest, HEADER_BYTES, type Response } from "../../lib/protocol/mod.ts";
import { DEFAULT_LIMITS, type ServiceLimits } from "../../lib/service/limits.ts";
import { createLogger } from "../../lib/service/log.ts";
import { type Handler, Server } from "../../lib/service/server.ts";
import { concat, rawFrame, tlv, u32, utf8 } from "../protocol/_helpers.ts";
import { type MemoryClient, MemoryListener, readReplies } from "./_memory_listener.ts";

const log = createLogger("test", "silent");

const handler: Handler = (request) =>
  Promise.resolve(
    request.op === "list"
      ? { op: "list", status: "ok", people: [] }
      : { op: request.op, status: "notFound", message: "stub" },
  );

function serve(limits: Partial<ServiceLimits> = {}, token?: string) {
  const listener = new MemoryListener();
  const server = Server.serve(listener, {
    token,
    limits: { ...DEFAULT_LIMITS, frameTimeoutMs: 150, ...limits },
    log,
  }, handler);
  return { listener, server };
}

/** A header: magic, version, kind, flags, length; each may be bent. */
function header(kind: number, length: number, bend: Partial<Record<0 | 2 | 5, number>> = {}) {
  const bytes = concat(new Uint8Array([0x46, 0x52, 1, kind, 0, 0]), u32(length));
  for (const [at, value] of Object.entries(bend)) bytes[Number(at)] = value;
  return bytes;
}

async function send(client: MemoryClient, ...chunks: Uint8Array[]): Promise<void> {
  for (const chunk of chunks) await client.write(chunk);
}

function status(response: Response | undefined): string | undefined {
  return response?.status;
}

function message(response: Response | undefined): string {
  return response && "message" in response ? response.message : "";
}

Deno.test("Server answers a framing error in kind 0x80 | op once the op byte is in behind a good magic and version, else 0x80, then closes", async () => {
  const cases: {
    what: string;
    bytes: Uint8Array;
    halfClose?: boolean;
    kind: number;
    status: string;
    pattern: RegExp;
  }[] = [
    {
      what: "a bad magic",
      bytes: header(3, 0, { 0: 0x47 }),
      kind: 0x80,
      status: "badRequest",
      pattern: /bad magic 0x4752/,
    },
    {
      what: "a bad magic, before the rest of the header",
      bytes: utf8("GE"),
      kind: 0x80,
      status: "badRequest",
      pattern: /bad magic 0x4745/,
    },
    {
      what: "a bad version",
      bytes: header(3, 0, { 2: 2 }),
      kind: 0x80,
      status: "badRequest",
      pattern: /unsupported protocol version 2/,
    },
    {
      what: "non-zero flags",
      bytes: header(3, 0, { 5: 1 }),
      kind: 0x83,
      status: "badRequest",
      pattern: /unknown header flags 0x0001/,
    },
    {
      what: "non-zero flags on a response kind",
      bytes: header(0x85, 0, { 5: 1 }),
      kind: 0x85,
      status: "badRequest",
      pattern: /unknown header flags/,
    },
    {
      what: "a length over the cap",
      bytes: header(2, 1_000_000),
      kind: 0x82,
      status: "tooLarge",
      pattern: /frame body of 1000000 bytes exceeds the limit of 1024/,
    },
    {
      what: "non-zero flags and a length over the cap (flags come first)",
      bytes: header(2, 1_000_000, { 5: 1 }),
      kind: 0x82,
      status: "badRequest",
      pattern: /unknown header flags/,
    },
    {
      what: "a read timeout inside the body",
      bytes: concat(header(4, 50), new Uint8Array(20)),
      kind: 0x84,
      status: "badRequest",
      pattern: /frame not complete 150 ms after its first byte/,
    },
    {
      what: "a read timeout after the kind byte",
      bytes: header(4, 50).subarray(0, 4),
      kind: 0x84,
      status: "badRequest",
      pattern: /frame not complete/,
    },
    {
      what: "a read timeout before the kind byte",
      bytes: header(4, 50).subarray(0, 3),
      kind: 0x80,
      status: "badRequest",
      pattern: /frame not complete/,
    },
    {
      what: "a half-close inside the body",
      bytes: concat(header(1, 50), new Uint8Array(20)),
      halfClose: true,
      kind: 0x81,
      status: "badRequest",
      pattern: /stream ended inside a frame after 20 of 50 body bytes/,
    },
    {
      what: "a half-close inside the header, after the kind byte",
      bytes: header(5, 0).subarray(0, 7),
      halfClose: true,
      kind: 0x85,
      status: "badRequest",
      pattern: /stream ended inside a frame after 7 of 10 header bytes/,
    },
    {
      what: "a half-close inside the header, before the kind byte",
      bytes: header(5, 0).subarray(0, 2),
      halfClose: true,
      kind: 0x80,
      status: "badRequest",
      pattern: /stream ended inside a frame after 2 of 10 header bytes/,
    },
  ];
  for (const c of cases) {
    // Cases that must not wait get a long frame timeout, so "answered at once" is told from
    // "answered at the timeout" by a wide margin even on a loaded machine.
    const waits = /timeout/.test(c.what);
    const { listener, server } = serve({
      maxFrameBytes: 1024,
      ...(waits ? {} : { frameTimeoutMs: 5000 }),
    });
    try {
      const client = listener.connect();
      const started = performance.now();
      await send(client, c.bytes);
      if (c.halfClose) client.closeWrite();
      const { frames, responses, closed } = await readReplies(client, 2);
      assert.equal(frames.length, 1, `${c.what}: exactly one reply`);
      assert.equal(frames[0]?.kind, c.kind, `${c.what}: kind 0x${frames[0]?.kind.toString(16)}`);
      assert.equal(status(responses[0]), c.status, c.what);
      assert.match(message(responses[0]), c.pattern, c.what);
      assert.equal(closed, true, `${c.what}: the connection stays closed`);
      if (!waits) {
        assert.ok(performance.now() - started < 2500, `${c.what}: answered without waiting`);
      }
    } finally {
      await server.close();
    }
  }
});

Deno.test("Server answers body errors, unknown ops and response kinds, and keeps the connection", async () => {
  const { listener, server } = serve();
  await using _ = server;
  const list = encodeRequest({ op: "list" });
  const garbage = new Uint8Array([0xff, 0xff, 0, 0, 0, 9, 1]); // unknown tag, overrunning
  const cases: [string, Uint8Array, number, string, RegExp][] = [
    [
      "an unknown op, whose body is not parsed",
      rawFrame(0x42, garbage),
      0xc2,
      "unknownOperation",
      /^unknown operation id 66, expected 1\.\.\d+$/,
    ],
    ["op 0", rawFrame(0), 0x80, "unknownOperation", /unknown operation id 0/],
    [
      "a response kind, whose body is not parsed",
      rawFrame(0x83, garbage),
      0x83,
      "badRequest",
      /expected a request frame \(kind 0x00\.\.0x7f\), got response kind 0x83/,
    ],
    [
      "a body error",
      rawFrame(4, tlv(0x0004, new Uint8Array([0xff]))),
      0x84,
      "badRequest",
      /expected UTF-8 text/,
    ],
    [
      "a negative identify threshold",
      rawFrame(
        2,
        tlv(0x0005, new Uint8Array([3])),
        tlv(0x0006, new Uint8Array([0xbf, 0xf0, 0, 0, 0, 0, 0, 0])), // -1.0
      ),
      0x82,
      "badRequest",
      /threshold: expected a distance >= 0, got -1/,
    ],
  ];
  for (const [what, bytes, kind, expected, pattern] of cases) {
    const client = listener.connect();
    await send(client, bytes, list);
    const { frames, responses, closed } = await readReplies(client, 2);
    assert.equal(closed, false, `${what}: the connection stays open`);
    assert.equal(frames[0]?.kind, kind, what);
    assert.equal(status(responses[0]), expected, what);
    assert.match(message(responses[0]), pattern, what);
    assert.equal(status(responses[1]), "ok", `${what}: the next request is served`);
    client.close();
  }
});

Deno.test("Server closes an idle connection without a reply", async () => {
  const { listener, server } = serve({ idleTimeoutMs: 100 });
  await using _ = server;
  const client = listener.connect();
  const { frames, closed } = await readReplies(client, 1);
  assert.equal(closed, true);
  assert.equal(frames.length, 0);
  await assert.rejects(client.write(encodeRequest({ op: "list" })), Deno.errors.BrokenPipe);
});

Deno.test("Server without a token accepts requests with or without TOKEN and ignores its value", async () => {
  for (const token of [undefined, ""]) {
    const { listener, server } = serve({}, token);
    await using _ = server;
    const client = listener.connect();
    await send(
      client,
      encodeRequest({ op: "list" }),
      encodeRequest({ op: "list", token: "anything" }),
      encodeRequest({ op: "list", token: "" }),
    );
    const { responses } = await readReplies(client, 3);
    assert.deepEqual(responses.map(status), ["ok", "ok", "ok"]);
    client.close();
  }
});

Deno.test("Server checks a request's bytes before its token", async () => {
  const { listener, server } = serve({}, "secret");
  await using _ = server;
  const client = listener.connect();
  await send(
    client,
    rawFrame(3, tlv(0x0004, utf8("misplaced"))), // list with a NAME, no TOKEN
    rawFrame(0x42), // unknown op, no TOKEN
    encodeRequest({ op: "list" }),
    encodeRequest({ op: "list", token: "secret" }),
  );
  const { responses } = await readReplies(client, 4);
  assert.deepEqual(responses.map(status), [
    "badRequest",
    "unknownOperation",
    "unauthorized",
    "ok",
  ]);
  client.close();
});

Deno.test("Server answers pipelined requests in order, one reply each", async () => {
  const { listener, server } = serve();
  await using _ = server;
  const client = listener.connect();
  const ops = ["list", "forget", "stats", "list"] as const;
  await send(
    client,
    concat(
      ...ops.map((op) =>
        op === "forget" ? encodeRequest({ op, name: "x" }) : encodeRequest({ op })
      ),
    ),
  );
  const { frames, closed } = await readReplies(client, ops.length);
  assert.equal(closed, false);
  assert.deepEqual(frames.map((f) => f.kind), [0x83, 0x84, 0x85, 0x83]);
  client.closeWrite();
  // A clean end between frames: the server closes without a word.
  const after = await readReplies(client, 1);
  assert.deepEqual(after, { frames: [], responses: [], closed: true });
});

Deno.test("Server.serve() holds the header to the body cap before reading the body", async () => {
  const { listener, server } = serve({ maxFrameBytes: 16 });
  await using _ = server;
  const client = listener.connect();
  await send(client, header(1, 17).subarray(0, HEADER_BYTES));
  const { frames, responses, closed } = await readReplies(client, 2);
  assert.equal(frames[0]?.kind, 0x81);
  assert.equal(status(responses[0]), "tooLarge");
  assert.equal(closed, true);
});
