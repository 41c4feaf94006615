/**
 * The write side of the timeouts, on the in-process server: a peer that asks for a big
 * reply and never reads it is cut off, blocks nobody, and does not stall a drain.
 */
import assert from "node:assert/strict";
import { encodeRequest } from "../../lib/protocol/mod.ts";
import { DEFAULT_LIMITS } from "../../lib/service/limits.ts";
import { createLogger } from "../../lib/service/log.ts";
import { Server } from "../../lib/service/server.ts";
import { within } from "../_support/wait.ts";
import { call } from "./_net.ts";

Deno.test("Server cuts off a peer that never reads its reply, and still drains promptly", async () => {
  const lines: string[] = [];
  const cutOff = Promise.withResolvers<void>();
  const log = {
    ...createLogger("test", "silent"),
    warn: (event: string) => {
      lines.push(event);
      if (event === "connection error") cutOff.resolve();
    },
  };
  const asked = Promise.withResolvers<void>();
  // 48 MiB: far more than the kernel's socket buffers can swallow.
  const image = new Uint8Array(48 * 2 ** 20);
  const server = Server.listen({
    hostname: "127.0.0.1",
    port: 0,
    limits: { ...DEFAULT_LIMITS, frameTimeoutMs: 500 },
    log,
  }, (request) => {
    if (request.op !== "identify") return Promise.resolve({ op: "list", status: "ok", people: [] });
    asked.resolve();
    return Promise.resolve({
      op: "identify",
      status: "ok",
      faces: [],
      imageWidth: 1,
      imageHeight: 1,
      image,
    });
  });
  const port = server.addr.port;
  const stalled = await Deno.connect({ hostname: "127.0.0.1", port });
  await stalled.write(encodeRequest({ op: "identify", algorithm: "lbph", images: [] }));
  await within(asked.promise, "the server to take the stalled peer's request");
  // Others are served while it stalls.
  const other = await call(`127.0.0.1:${port}`, { op: "list" });
  assert.equal(other.status, "ok");
  // The write timeout gives up on it: waited for as an event, not for a fixed time.
  await within(cutOff.promise, "the server to cut off the stalled peer");
  // Nothing is in flight any more, so close() has nothing to wait for. The bound is only
  // there to tell "prompt" from "waits on the stalled peer", which would never end.
  const started = performance.now();
  await server.close();
  assert.ok(performance.now() - started < 5_000, "close() waited on the stalled peer");
  // What reaches the stalled peer is a truncated reply, then the end of the stream.
  let received = 0;
  const buf = new Uint8Array(1 << 20);
  try {
    for (let n = await stalled.read(buf); n !== null; n = await stalled.read(buf)) received += n;
  } catch {
    // reset: also fine
  }
  assert.ok(received < image.length, `got ${received} bytes`);
  stalled.close();
});
