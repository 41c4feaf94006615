/**
 * UpstreamPool and callService against a scripted peer on a loopback socket: connection
 * reuse, a peer that went away, a peer that hangs, the idle age limit and disposal.
 */
import assert from "node:assert/strict";
import { encodeResponse, readFrames, writeFrame } from "../../lib/protocol/mod.ts";
import { callService, UnavailableError, UpstreamPool } from "../../lib/transport/mod.ts";
import { waitFor } from "../_support/wait.ts";

type Behaviour = "answer" | "answer-then-close" | "hang";

/** A peer that answers every frame with an empty list, as `behaviour` says. */
function peer(behaviour: () => Behaviour) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns = new Set<Deno.Conn>();
  let accepted = 0, requests = 0, ended = 0;
  const serving = (async () => {
    for await (const conn of listener) {
      accepted++;
      conns.add(conn);
      (async () => {
        try {
          for await (const _ of readFrames(conn.readable)) {
            requests++;
            const now = behaviour();
            if (now === "hang") continue;
            await writeFrame(conn, encodeResponse({ op: "list", status: "ok", people: [] }));
            if (now === "answer-then-close") break;
          }
        } catch {
          // reset by the pool: fine
        } finally {
          ended++;
          conns.delete(conn);
          try {
            conn.close();
          } catch {
            // closed already
          }
        }
      })();
    }
  })();
  return {
    endpoint: { hostname: "127.0.0.1", port: (listener.addr as Deno.NetAddr).port },
    get accepted() {
      return accepted;
    },
    get requests() {
      return requests;
    },
    get ended() {
      return ended;
    },
    async [Symbol.asyncDispose]() {
      listener.close();
      for (const c of conns) c.close();
      await serving.catch(() => {});
    },
  };
}

const OPTIONS = { timeoutMs: 2_000, maxFrameBytes: 1 << 20, peerName: "recognizer" };
const LIST = { op: "list" as const };

Deno.test("UpstreamPool.call() sends request after request on one kept-alive connection", async () => {
  await using server = peer(() => "answer");
  using pool = new UpstreamPool(server.endpoint);
  for (let i = 0; i < 5; i++) {
    const reply = await pool.call(LIST, OPTIONS);
    assert.deepEqual(reply, { op: "list", status: "ok", people: [] });
  }
  assert.equal(server.accepted, 1);
  assert.equal(server.requests, 5);
  assert.equal(pool.idle, 1);
  // Concurrent calls each need a connection; they all come back to the pool.
  await Promise.all([1, 2, 3].map(() => pool.call(LIST, OPTIONS)));
  assert.equal(pool.idle, 3);
});

Deno.test("UpstreamPool.call() replaces a connection the peer closed, once, transparently", async () => {
  await using server = peer(() => "answer-then-close");
  using pool = new UpstreamPool(server.endpoint);
  await pool.call(LIST, OPTIONS);
  // The peer has closed the pooled connection (as a restarted recognizer would have).
  await waitFor(() => server.ended === 1, "the peer to close its connection");
  const reply = await pool.call(LIST, OPTIONS);
  assert.equal(reply.status, "ok");
  assert.equal(server.accepted, 2, "a fresh connection after the dead one");
});

Deno.test("UpstreamPool.call() does not repeat a request to a peer that hangs", async () => {
  let hang = false;
  await using server = peer(() => (hang ? "hang" : "answer"));
  using pool = new UpstreamPool(server.endpoint);
  await pool.call(LIST, OPTIONS);
  hang = true;
  const started = performance.now();
  await assert.rejects(pool.call(LIST, { ...OPTIONS, timeoutMs: 300 }), (e: unknown) => {
    assert.ok(e instanceof UnavailableError);
    assert.match(
      e.message,
      /recognizer at 127\.0\.0\.1:\d+ did not answer: no reply within 300 ms/,
    );
    return true;
  });
  const ms = performance.now() - started;
  // The peer's request count shows it was sent once; the clock only shows that the call
  // waited for its timeout (a late timer can make it longer, never shorter).
  assert.ok(ms >= 290, `gave up after ${ms} ms, before the 300 ms timeout`);
  assert.equal(server.requests, 2, "sent once");
  assert.equal(pool.idle, 0, "the hung connection is not kept");
});

Deno.test("UpstreamPool does not reuse a connection idle past maxIdleMs, and closes idle ones on dispose", async () => {
  await using server = peer(() => "answer");
  const pool = new UpstreamPool(server.endpoint, { maxIdleMs: 50 });
  await pool.call(LIST, OPTIONS);
  await new Promise((r) => setTimeout(r, 80)); // past maxIdleMs: a timer never fires early
  await pool.call(LIST, OPTIONS);
  assert.equal(server.accepted, 2);
  await waitFor(() => server.ended === 1, "the stale connection to be closed when passed over");
  pool[Symbol.dispose]();
  await waitFor(() => server.ended === 2, "dispose to close the idle connection");
  assert.equal(pool.idle, 0);
});

Deno.test("callService() and UpstreamPool.call() report an absent peer as unavailable", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const endpoint = { hostname: "127.0.0.1", port: (listener.addr as Deno.NetAddr).port };
  listener.close();
  using pool = new UpstreamPool(endpoint);
  for (
    const attempt of [() => callService(endpoint, LIST, OPTIONS), () => pool.call(LIST, OPTIONS)]
  ) {
    await assert.rejects(attempt(), (e: unknown) => {
      assert.ok(e instanceof UnavailableError);
      assert.match(e.message, /is unavailable/);
      return true;
    });
  }
});
