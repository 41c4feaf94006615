import assert from "node:assert/strict";
import {
  decodeRequest,
  encodeRequest,
  encodeResponse,
  type Frame,
  ProtocolError,
  readFrames,
  writeFrame,
} from "../../lib/protocol/mod.ts";
import { concat, SAMPLE_REQUESTS, splitAt } from "./_helpers.ts";

const requests = SAMPLE_REQUESTS.map((request) => encodeRequest(request));
const stream = concat(...requests);

/** A readable that the test feeds by hand. */
function manualStream() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const readable = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return { readable, controller };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function collect(frames: AsyncIterable<Frame>): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

async function rejection(promise: Promise<unknown>): Promise<ProtocolError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ProtocolError, `expected a ProtocolError, got ${error}`);
    return error;
  }
  assert.fail("expected a rejection");
}

Deno.test("readFrames() yields every frame of a stream fed one byte at a time", async () => {
  const chunks = Array.from(stream, (byte) => new Uint8Array([byte]));
  const frames = await collect(readFrames(ReadableStream.from(chunks)));
  assert.deepEqual(frames.map((frame) => decodeRequest(frame)), SAMPLE_REQUESTS);
});

Deno.test("readFrames() yields frames split across chunks and packed into one", async () => {
  const chunks = splitAt(stream, 3, 11, 40, 41, stream.length - 2);
  const frames = await collect(readFrames(ReadableStream.from(chunks)));
  assert.deepEqual(frames.map((frame) => decodeRequest(frame)), SAMPLE_REQUESTS);
});

Deno.test("readFrames() throws when the stream is cut mid-frame", async () => {
  const cut = stream.subarray(0, stream.length - 1);
  const frames: Frame[] = [];
  const error = await rejection((async () => {
    for await (const frame of readFrames(ReadableStream.from([cut]))) frames.push(frame);
  })());
  assert.equal(frames.length, SAMPLE_REQUESTS.length - 1);
  assert.match(error.message, /stream ended inside a frame/);
  assert.equal(error.fatal, true);
});

Deno.test("readFrames() rejects an over-cap length before the body arrives", async () => {
  const { readable, controller } = manualStream();
  const frame = encodeRequest({ op: "forget", name: "x".repeat(100) });
  controller.enqueue(frame.subarray(0, 10)); // the header alone; the body never comes
  const error = await rejection(collect(readFrames(readable, { maxBodyBytes: 50 })));
  assert.equal(error.status, "tooLarge");
  assert.equal(error.op, 4);
});

Deno.test("readFrames() times out a frame not completed within readTimeoutMs", async () => {
  const { readable, controller } = manualStream();
  const frame = requests[0]!;
  controller.enqueue(frame.subarray(0, 5));
  const started = Date.now();
  const error = await rejection(
    collect(readFrames(readable, { readTimeoutMs: 60, idleTimeoutMs: 5_000 })),
  );
  const elapsed = Date.now() - started;
  assert.equal(error.timeout, "read");
  assert.equal(error.fatal, true);
  assert.match(error.message, /frame not complete 60 ms after its first byte/);
  // Not before the timeout; the upper bound only tells "fired" from "never fired".
  assert.ok(elapsed >= 55 && elapsed < 5_000, `timed out after ${elapsed} ms`);
});

Deno.test("readFrames() does not let a slow but timely frame time out", async () => {
  const { readable, controller } = manualStream();
  const frame = requests[3]!;
  // Pauses between chunks, all well inside timeouts that a late timer cannot reach.
  const reading = collect(readFrames(readable, { readTimeoutMs: 5_000, idleTimeoutMs: 5_000 }));
  for (const chunk of splitAt(frame, 5, 20, 40)) {
    controller.enqueue(chunk);
    await sleep(30);
  }
  controller.close();
  const frames = await reading;
  assert.deepEqual(decodeRequest(frames[0]!), SAMPLE_REQUESTS[3]);
});

Deno.test("readFrames() times out a connection idle for idleTimeoutMs", async () => {
  const { readable } = manualStream();
  const error = await rejection(collect(readFrames(readable, { idleTimeoutMs: 40 })));
  assert.equal(error.timeout, "idle");
  assert.match(error.message, /no frame started within the idle timeout of 40 ms/);
});

Deno.test("readFrames() restarts the idle clock after each frame", async () => {
  const { readable, controller } = manualStream();
  const seen: string[] = [];
  const reading = (async () => {
    for await (const frame of readFrames(readable, { idleTimeoutMs: 600 })) {
      seen.push(decodeRequest(frame).op);
    }
  })();
  // Many short gaps: their sum is over the idle timeout (a timer never fires early), while
  // each one would have to run 550 ms late to reach it.
  const ops = [0, 6, 8, 6, 8, 6, 8, 6, 8, 6, 8, 6, 8, 6, 8, 6];
  for (const index of ops) {
    await sleep(50);
    controller.enqueue(requests[index]!);
  }
  const error = await rejection(reading);
  assert.equal(error.timeout, "idle");
  assert.deepEqual(seen, ops.map((index) => SAMPLE_REQUESTS[index]!.op));
});

Deno.test("readFrames() does not count the consumer's time against the peer", async () => {
  const readable = ReadableStream.from([concat(requests[6]!, requests[8]!)]);
  const seen: string[] = [];
  for await (const frame of readFrames(readable, { idleTimeoutMs: 30, readTimeoutMs: 30 })) {
    seen.push(decodeRequest(frame).op);
    await sleep(60); // slower than both timeouts
  }
  assert.deepEqual(seen, ["list", "forget"]);
});

Deno.test("readFrames() leaves the stream usable after a timeout or an early exit", async () => {
  const { readable, controller } = manualStream();
  await rejection(collect(readFrames(readable, { idleTimeoutMs: 20 })));
  assert.equal(readable.locked, false);
  controller.enqueue(requests[6]!);
  controller.enqueue(requests[8]!);
  for await (const frame of readFrames(readable)) {
    assert.equal(decodeRequest(frame).op, "list");
    break;
  }
  assert.equal(readable.locked, false);
  controller.close();
});

Deno.test("writeFrame() writes a whole frame to a WritableStream and releases it", async () => {
  const chunks: Uint8Array[] = [];
  const sink = new WritableStream<Uint8Array>({ write: (chunk) => void chunks.push(chunk) });
  const frame = encodeResponse({ op: "list", status: "ok", people: [{ name: "A", faces: 1 }] });
  await writeFrame(sink, frame);
  await writeFrame(sink, frame);
  assert.equal(sink.locked, false);
  assert.deepEqual(concat(...chunks), concat(frame, frame));
});

Deno.test("writeFrame() writes through a held writer", async () => {
  const chunks: Uint8Array[] = [];
  const sink = new WritableStream<Uint8Array>({ write: (chunk) => void chunks.push(chunk) });
  const writer = sink.getWriter();
  await writeFrame(writer, requests[0]!);
  assert.deepEqual(chunks, [requests[0]]);
  assert.equal(sink.locked, true);
});

Deno.test("writeFrame() continues short writes of a Deno.Conn-like sink", async () => {
  const written: number[] = [];
  const conn = {
    write: (bytes: Uint8Array) => {
      const n = Math.min(3, bytes.length);
      written.push(...bytes.subarray(0, n));
      return Promise.resolve(n);
    },
  };
  await writeFrame(conn, requests[1]!);
  assert.deepEqual(new Uint8Array(written), requests[1]);
  await assert.rejects(
    () => writeFrame({ write: () => Promise.resolve(0) }, requests[1]!),
    Deno.errors.WriteZero,
  );
});

Deno.test("readFrames() and writeFrame() carry frames over a real TCP connection", async () => {
  using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const serving = (async () => {
    using conn = await listener.accept();
    for await (const frame of readFrames(conn.readable, { idleTimeoutMs: 2_000 })) {
      const request = decodeRequest(frame);
      await writeFrame(conn, encodeResponse({ op: request.op, status: "busy", message: "x" }));
    }
  })();
  using client = await Deno.connect({ hostname: "127.0.0.1", port: listener.addr.port });
  await writeFrame(client.writable, stream);
  const replies: number[] = [];
  for await (const frame of readFrames(client.readable)) {
    replies.push(frame.kind);
    if (replies.length === SAMPLE_REQUESTS.length) break;
  }
  await client.closeWrite();
  await serving;
  assert.deepEqual(replies, requests.map((request) => request[3]! | 0x80));
});
