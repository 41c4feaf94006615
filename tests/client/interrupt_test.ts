import assert from "node:assert/strict";
import { runClient } from "../../lib/client/client.ts";
import { decodeRequest, encodeResponse, readFrames, writeFrame } from "../../lib/protocol/mod.ts";

/**
 * A detector that answers the first enroll batch as stored, then holds the second one
 * forever: Ctrl-C arrives while it is in flight.
 */
function halfDetector() {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  let requests = 0;
  const served = (async () => {
    for await (const conn of listener) {
      (async () => {
        for await (const frame of readFrames(conn.readable)) {
          const request = decodeRequest(frame);
          if (request.op !== "enroll") continue;
          requests++;
          if (requests > 1) continue; // never answered
          const images = request.images ?? [];
          await writeFrame(
            conn,
            encodeResponse({
              op: "enroll",
              status: "ok",
              name: request.name,
              stored: images.length,
              personFaces: images.length,
              images: images.map((_, index) => ({ index, outcome: "stored", faces: 1 })),
              models: [{ algorithm: "dnn", state: "ready", faces: images.length }],
            }),
          );
        }
      })().catch(() => {});
    }
  })().catch(() => {});
  return {
    address: `127.0.0.1:${(listener.addr as Deno.NetAddr).port}`,
    get requests() {
      return requests;
    },
    close: async () => {
      listener.close();
      await served;
    },
  };
}

Deno.test("runClient() on Ctrl-C during an enroll prints what was stored and exits 130", async () => {
  const dir = await Deno.makeTempDir({ prefix: "facerec-interrupt-" });
  const detector = halfDetector();
  try {
    const paths: string[] = [];
    for (let i = 0; i < 20; i++) {
      const path = `${dir}/img${String(i).padStart(2, "0")}.jpg`;
      await Deno.writeFile(path, Uint8Array.of(0xff, 0xd8, i));
      paths.push(path);
    }
    const out: string[] = [];
    let interrupt = () => {};
    const signals = {
      add: (h: () => void) => (interrupt = h),
      remove: () => (interrupt = () => {}),
    };
    const running = runClient(["--detector", detector.address, "--json", "enroll", "Ada", dir], {
      out: (l) => out.push(l),
      err: () => {},
      signals,
    });
    while (detector.requests < 2) await new Promise((r) => setTimeout(r, 10));
    interrupt();
    assert.equal(await running, 130);
    const json = JSON.parse(out.join("\n"));
    assert.equal(json.interrupted, true);
    assert.equal(json.stored, 16, "the acknowledged first batch");
    assert.equal(json.images.length, 16);
    assert.deepEqual(json.in_flight, paths.slice(16));
    assert.deepEqual(json.not_sent, []);
  } finally {
    await detector.close();
    await Deno.remove(dir, { recursive: true });
  }
});
