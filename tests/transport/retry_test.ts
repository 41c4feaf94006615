import assert from "node:assert/strict";
import { callService, RETRY_SAFE_OPS, UnavailableError } from "../../lib/transport/mod.ts";
import { encodeResponse, readFrames, type Request, writeFrame } from "../../lib/protocol/mod.ts";

/**
 * A server that reads one request per connection and, for the first `cut` connections,
 * closes without answering (a detector killed mid-request); later ones get a list reply.
 */
function cuttingServer(cut: number) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let connections = 0;
  const served = (async () => {
    for await (const conn of listener) {
      const n = ++connections;
      const frames = readFrames(conn.readable)[Symbol.asyncIterator]();
      await frames.next();
      if (n <= cut) {
        conn.close();
        continue;
      }
      const writer = conn.writable.getWriter();
      await writeFrame(writer, encodeResponse({ op: "list", status: "ok", people: [] }));
      writer.releaseLock();
      conn.close();
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    get connections() {
      return connections;
    },
    async close() {
      listener.close();
      await served;
    },
  };
}

const options = { timeoutMs: 5000, maxFrameBytes: 1 << 20, peerName: "test", retry: true };

Deno.test("callService() resends a read cut mid-flight once, on a new connection", async () => {
  const server = cuttingServer(1);
  try {
    let retried = 0;
    const reply = await callService({ hostname: "127.0.0.1", port: server.port }, { op: "list" }, {
      ...options,
      onRetry: () => retried++,
    });
    assert.deepEqual(reply, { op: "list", status: "ok", people: [] });
    assert.equal(retried, 1);
    assert.equal(server.connections, 2);
  } finally {
    await server.close();
  }
});

Deno.test("callService() resends only once: a second cut is the caller's error", async () => {
  const server = cuttingServer(2);
  try {
    await assert.rejects(
      callService({ hostname: "127.0.0.1", port: server.port }, { op: "stats" }, options),
      UnavailableError,
    );
    assert.equal(server.connections, 2);
  } finally {
    await server.close();
  }
});

Deno.test("callService() never resends a write, nor without retry", async () => {
  const writes: Request[] = [
    { op: "enroll", name: "Ada", images: [{ data: new Uint8Array([1]) }] },
    { op: "forget", name: "Ada" },
    { op: "rename", name: "Ada", newName: "Ada King" },
    { op: "forgetFace", name: "Ada", faceId: 3 },
  ];
  for (const request of writes) {
    assert.ok(!RETRY_SAFE_OPS.has(request.op));
    const server = cuttingServer(1);
    try {
      await assert.rejects(
        callService({ hostname: "127.0.0.1", port: server.port }, request, options),
        UnavailableError,
      );
      assert.equal(server.connections, 1, `${request.op} was sent once`);
    } finally {
      await server.close();
    }
  }
  const server = cuttingServer(1);
  try {
    await assert.rejects(
      callService({ hostname: "127.0.0.1", port: server.port }, { op: "list" }, {
        ...options,
        retry: false,
      }),
      UnavailableError,
    );
    assert.equal(server.connections, 1);
  } finally {
    await server.close();
  }
});
