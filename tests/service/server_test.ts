/**
 * Server behaviour on real loopback sockets with a stub handler: limits, timeouts,
 * authentication and draining.
 */
import assert from "node:assert/strict";
import {
  decodeResponse,
  encodeRequest,
  type Frame,
  HEADER_BYTES,
  readFrames,
  type Response,
} from "../../lib/protocol/mod.ts";
import { DEFAULT_LIMITS, type ServiceLimits } from "../../lib/service/limits.ts";
import { createLogger } from "../../lib/service/log.ts";
import { type Handler, Server } from "../../lib/service/server.ts";
import { within } from "../_support/wait.ts";

const log = createLogger("test", "silent");

function listen(handler: Handler, limits: Partial<ServiceLimits> = {}, token?: string): Server {
  return Server.listen({
    hostname: "127.0.0.1",
    port: 0,
    token,
    limits: { ...DEFAULT_LIMITS, ...limits },
    log,
  }, handler);
}

const listHandler: Handler = () =>
  Promise.resolve({ op: "list", status: "ok", people: [{ name: "a", faces: 1 }] });

/** Sends raw bytes, then reads replies until the server closes or `count` arrived. */
async function exchange(port: number, bytes: Uint8Array[], count = 1): Promise<{
  replies: Response[];
  closed: boolean;
}> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const writer = conn.writable.getWriter();
  for (const chunk of bytes) await writer.write(chunk);
  writer.releaseLock();
  const replies: Response[] = [];
  let closed = true;
  for await (const frame of readFrames(conn.readable, { idleTimeoutMs: 5000 })) {
    replies.push(decodeResponse(frame));
    if (replies.length === count) {
      closed = false;
      break;
    }
  }
  try {
    conn.close();
  } catch {
    // the server already closed it and the stream released the resource
  }
  return { replies, closed };
}

Deno.test("Server answers an unknown operation id and keeps the connection usable", async () => {
  await using server = listen(listHandler);
  const bad = encodeRequest({ op: "list" });
  bad[3] = 99;
  const { replies } = await exchange(server.addr.port, [bad, encodeRequest({ op: "list" })], 2);
  assert.equal(replies[0]?.status, "unknownOperation");
  assert.equal(replies[1]?.status, "ok");
});

Deno.test("Server refuses a frame over the size cap from its header, then disconnects", async () => {
  await using server = listen(listHandler, { maxFrameBytes: 1024 });
  const header = new Uint8Array(HEADER_BYTES);
  header.set([0x46, 0x52, 1, 3, 0, 0]);
  new DataView(header.buffer).setUint32(6, 1_000_000_000);
  const { replies, closed } = await exchange(server.addr.port, [header], 2);
  assert.equal(replies[0]?.status, "tooLarge");
  assert.equal(closed, true);
});

Deno.test("Server drops a frame that never completes after the read timeout", async () => {
  await using server = listen(listHandler, { frameTimeoutMs: 200 });
  const frame = encodeRequest({ op: "list" });
  const header = frame.slice(0, HEADER_BYTES);
  new DataView(header.buffer).setUint32(6, 500); // promises 500 bytes that never come
  const started = performance.now();
  const { replies, closed } = await exchange(server.addr.port, [header], 2);
  assert.equal(closed, true);
  assert.equal(replies[0]?.status, "badRequest");
  assert.ok(performance.now() - started < 3000);
});

Deno.test("Server closes an idle connection and still serves other clients meanwhile", async () => {
  await using server = listen(listHandler, { idleTimeoutMs: 300 });
  const idle = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  const other = await exchange(server.addr.port, [encodeRequest({ op: "list" })]);
  assert.equal(other.replies[0]?.status, "ok");
  const buf = new Uint8Array(16);
  const started = performance.now();
  const n = await idle.read(buf); // null once the server hangs up
  assert.equal(n, null);
  assert.ok(performance.now() - started < 3000);
  idle.close();
});

Deno.test("Server refuses a missing or wrong token and accepts the right one", async () => {
  await using server = listen(listHandler, {}, "right-token");
  const port = server.addr.port;
  const none = await exchange(port, [encodeRequest({ op: "list" })]);
  assert.equal(none.replies[0]?.status, "unauthorized");
  const wrong = await exchange(port, [encodeRequest({ op: "list", token: "wrong" })]);
  assert.equal(wrong.replies[0]?.status, "unauthorized");
  const right = await exchange(port, [encodeRequest({ op: "list", token: "right-token" })]);
  assert.equal(right.replies[0]?.status, "ok");
});

Deno.test("Server.close() answers in-flight requests before closing", async () => {
  const inFlight = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  const held: Handler = async () => {
    inFlight.resolve();
    await release.promise;
    return { op: "list", status: "ok", people: [] };
  };
  const server = listen(held);
  const pending = exchange(server.addr.port, [encodeRequest({ op: "list" })]);
  await within(inFlight.promise, "the request to reach the handler");
  let closed = false;
  const closing = server.close().then(() => closed = true);
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(closed, false, "close() returned with a request in flight");
  release.resolve();
  await closing;
  await server.close();
  const { replies } = await pending;
  assert.equal(replies[0]?.status, "ok");
  await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: server.addr.port }));
});

Deno.test("Server turns a handler's exception into an internal error reply", async () => {
  await using server = listen(() => Promise.reject(new Error("boom")));
  const { replies } = await exchange(server.addr.port, [encodeRequest({ op: "stats" })]);
  assert.deepEqual(replies[0], { op: "stats", status: "internal", message: "boom" });
});

Deno.test("Server answers a peer that half-closed inside a frame, over TCP, then closes", async () => {
  await using server = listen(listHandler);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  const frame = encodeRequest({ op: "forget", name: "Ada Lovelace" });
  await conn.write(frame.subarray(0, frame.length - 3));
  await conn.closeWrite();
  const replies: Frame[] = [];
  for await (const reply of readFrames(conn.readable, { idleTimeoutMs: 5000 })) {
    replies.push(reply);
  }
  assert.equal(replies.length, 1);
  assert.equal(replies[0]?.kind, 0x84);
  assert.deepEqual(decodeResponse(replies[0]!), {
    op: "forget",
    status: "badRequest",
    message: `stream ended inside a frame after ${frame.length - HEADER_BYTES - 3} of ${
      frame.length - HEADER_BYTES
    } body bytes`,
  });
});
