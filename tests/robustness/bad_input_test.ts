/**
 * Hostile and malformed input against the real detector and recognizer processes: every
 * case gets a clear error, and afterwards a valid request still succeeds.
 */
import assert from "node:assert/strict";
import { datasetTest } from "../_datasets.ts";
import { encodeRequest, type Request } from "../../lib/protocol/mod.ts";
import { type ServiceProcess, startStack } from "../_support/services.ts";
import {
  assertError,
  call,
  concat,
  crop,
  DATASETS,
  exchange,
  frame,
  jpegClaiming,
  orl,
  pngClaiming,
  randomBytes,
  tlv,
  utf8,
} from "./_net.ts";
import { deflateSync } from "node:zlib";

const OP = { enroll: 1, identify: 2, list: 3, forget: 4, stats: 5 } as const;
const TAG = { token: 0x0003, name: 0x0004, algorithm: 0x0005, image: 0x8001, data: 0x0008 };

datasetTest("bad input gets a clear error and neither service falls over", async (t) => {
  await using stack = await startStack({
    workers: 1,
    extraArgs: ["--read-timeout", "1", "--idle-timeout", "3"],
  });
  const detector = stack.detector;
  const recognizer = stack.recognizer;
  const services: ServiceProcess[] = [detector, recognizer];
  let enrolled = false;

  /** A valid request to each service succeeds, and neither process has exited. */
  async function stillServes(): Promise<void> {
    const stats = await call(recognizer.address, { op: "stats" });
    assert.equal(stats.status, "ok", JSON.stringify(stats));
    const list = await call(detector.address, { op: "list" });
    assert.equal(list.status, "ok", JSON.stringify(list));
    if (enrolled) {
      const id = await call(detector.address, {
        op: "identify",
        algorithm: "lbph",
        images: [{ data: orl(2, 7) }],
      });
      assert.equal(id.status, "ok", JSON.stringify(id));
      // The nearest person, whatever the calibrated unknown-threshold says.
      assert.equal(id.op === "identify" && id.faces[0]?.candidates[0]?.name, "orl-2");
    }
  }

  // A flat grey picture: no detector finds a face in it.
  const blank = concat(utf8("P5\n120 120\n255\n"), new Uint8Array(120 * 120).fill(128));

  await t.step(
    "a photo with no face before anyone is enrolled: identify ok, enroll creates nobody",
    async () => {
      for (const algorithm of ["dnn", "fisher", "lbph"] as const) {
        const id = await call(detector.address, {
          op: "identify",
          algorithm,
          images: [{ data: blank }],
        });
        assert.equal(id.status, "ok", JSON.stringify(id));
        assert.ok(id.op === "identify");
        assert.deepEqual([id.faces, id.imageWidth, id.imageHeight], [[], 120, 120]);
        assert.deepEqual(id.image, blank);
      }
      const enroll = await call(detector.address, {
        op: "enroll",
        name: "  Nobody Yet\ufeff",
        images: [{ data: blank }],
      });
      assert.equal(enroll.status, "ok", JSON.stringify(enroll));
      assert.ok(enroll.op === "enroll");
      assert.deepEqual(
        [enroll.name, enroll.stored, enroll.personFaces, enroll.models],
        ["Nobody Yet", 0, 0, []],
      );
      assert.equal(enroll.images[0]?.outcome, "no_face");
      const list = await call(detector.address, { op: "list" });
      assert.deepEqual(list.op === "list" && list.status === "ok" && list.people, []);
      await stillServes();
    },
  );

  await t.step(
    "the detector refuses FACE fields from a client, with or without IMAGE",
    async () => {
      const face = crop(2, 7);
      const requests: Request[] = [
        { op: "enroll", name: "x", faces: [face] },
        { op: "enroll", name: "x", images: [{ data: orl(2, 7) }], faces: [face] },
        { op: "identify", algorithm: "lbph", faces: [face] },
        { op: "identify", algorithm: "lbph", images: [{ data: orl(2, 7) }], faces: [face] },
      ];
      for (const request of requests) {
        const reply = await call(detector.address, request);
        assertError(reply, "badRequest", /the detector expects images, not face crops/);
      }
      // And the recognizer refuses images, as before.
      const direct = await call(recognizer.address, {
        op: "identify",
        algorithm: "lbph",
        images: [{ data: orl(2, 7) }],
      });
      assertError(direct, "badRequest", /expects face crops/);
      await stillServes();
    },
  );

  await t.step("identify before anyone is enrolled says notReady, on both hops", async () => {
    const viaDetector = await call(detector.address, {
      op: "identify",
      algorithm: "lbph",
      images: [{ data: orl(2, 7) }],
    });
    assertError(viaDetector, "notReady", /nobody is enrolled|not trained/);
    const direct = await call(recognizer.address, {
      op: "identify",
      algorithm: "eigen",
      faces: [crop(2, 7)],
    });
    assertError(direct, "notReady", /nobody is enrolled|not trained/);
    await stillServes();
  });

  await t.step("Fisherfaces with a single person is refused with a reason", async () => {
    const reply = await call(detector.address, {
      op: "enroll",
      name: "orl-2",
      images: [1, 2, 3, 4, 5].map((i) => ({ data: orl(2, i) })),
    });
    assert.equal(reply.status, "ok", JSON.stringify(reply));
    assert.ok(reply.op === "enroll" && reply.stored >= 4);
    enrolled = true;
    const fisher = await call(detector.address, {
      op: "identify",
      algorithm: "fisher",
      images: [{ data: orl(2, 7) }],
    });
    assertError(fisher, "notReady", /two|2 people/);
    await stillServes();
  });

  const images: [string, () => Uint8Array, string, RegExp][] = [
    ["a zero-byte image", () => new Uint8Array(0), "badRequest", /0 bytes/],
    [
      "a truncated JPEG",
      () => Deno.readFileSync(`${DATASETS}bbt/group/bbt1.jpg`).subarray(0, 60_000),
      "badRequest",
      /jpeg/i,
    ],
    ["random bytes", () => randomBytes(4096), "badRequest", /signature/],
    [
      "a PNG claiming 100000x100000",
      () => pngClaiming(100_000, 100_000),
      "tooLarge",
      /100000x100000/,
    ],
    [
      // 16x16 declared, 128 MiB of image data in a 128 KB file (ratio 1000:1).
      "a PNG decompression bomb",
      () => pngClaiming(16, 16, new Uint8Array(deflateSync(new Uint8Array(128 * 2 ** 20)))),
      "badRequest",
      /decompression bomb/,
    ],
    [
      "a JPEG claiming 65535x65535 (the JPEG maximum)",
      () => jpegClaiming(Deno.readFileSync(`${DATASETS}bbt/group/bbt2.jpg`), 65535, 65535),
      "tooLarge",
      /65535x65535/,
    ],
  ];
  for (const [what, bytes, status, pattern] of images) {
    await t.step(`detector refuses ${what} and stays up`, async () => {
      const started = performance.now();
      const id = await call(detector.address, {
        op: "identify",
        algorithm: "lbph",
        images: [{ data: bytes() }],
      });
      // Refused from the header (or the first bad bytes): no decode of a huge raster, which
      // would take far longer than this bound, generous for a loaded machine.
      assert.ok(performance.now() - started < 5000, `took ${performance.now() - started} ms`);
      assertError(id, status, pattern);
      // In an enrollment, the image is reported unreadable and nothing is stored.
      const enroll = await call(detector.address, {
        op: "enroll",
        name: "nobody",
        images: [{ data: bytes() }],
      });
      assert.equal(enroll.status, "ok", JSON.stringify(enroll));
      assert.ok(enroll.op === "enroll");
      assert.equal(enroll.stored, 0);
      assert.equal(enroll.images[0]?.outcome, "unreadable");
      assert.match(enroll.images[0]?.message ?? "", pattern);
      await stillServes();
    });
  }

  const names: [string, Uint8Array, string, RegExp][] = [
    ["an empty name", utf8(""), "badRequest", /empty name/],
    ["a 10,000-character name", utf8("n".repeat(10_000)), "tooLarge", /10000 bytes exceeds/],
    [
      "a name that is not valid UTF-8",
      new Uint8Array([0x41, 0xff, 0xfe, 0x42]),
      "badRequest",
      /UTF-8/,
    ],
    ["a name with '/'", utf8("a/b"), "badRequest", /'\/'/],
    ["a name with '..'", utf8(".."), "badRequest", /'\.\.'/],
    ["a name with NUL", utf8("a\0b"), "badRequest", /control characters/],
  ];
  for (const [what, name, status, pattern] of names) {
    await t.step(`both services refuse ${what} and stay up`, async () => {
      const image = tlv(TAG.image, tlv(TAG.data, orl(2, 8)));
      const toDetector = frame(OP.enroll, concat(tlv(TAG.name, name), image));
      const { replies } = await exchange(detector.port, [toDetector]);
      assertError(replies[0], status, pattern);
      // The recognizer gets crops; build a valid enroll of one crop, then swap the name.
      const face = encodeRequest({ op: "enroll", name: "x", faces: [crop(2, 8)] });
      const faceField = face.subarray(10 + 6 + 1); // after the header and the name field
      const toRecognizer = frame(OP.enroll, concat(tlv(TAG.name, name), faceField));
      const direct = await exchange(recognizer.port, [toRecognizer]);
      assertError(direct.replies[0], status, pattern);
      const forget = await exchange(recognizer.port, [frame(OP.forget, tlv(TAG.name, name))]);
      assertError(forget.replies[0], status, pattern);
      await stillServes();
    });
  }

  const valid = encodeRequest({ op: "list" });
  const nested = (depth: number): Uint8Array =>
    depth === 0 ? tlv(TAG.data, new Uint8Array(1)) : tlv(TAG.image, nested(depth - 1));
  const bodies: [string, Uint8Array, string, RegExp][] = [
    [
      "an unknown op id",
      frame(0x42, new Uint8Array(0)),
      "unknownOperation",
      /unknown operation id 66/,
    ],
    [
      "an unknown TLV tag",
      frame(OP.list, tlv(0x7777, utf8("?"))),
      "badRequest",
      /unknown tag 0x7777/,
    ],
    [
      "a field the op does not allow",
      frame(OP.list, tlv(TAG.name, utf8("x"))),
      "badRequest",
      /unexpected field name/,
    ],
    [
      "a duplicated TLV field",
      frame(OP.forget, concat(tlv(TAG.name, utf8("a")), tlv(TAG.name, utf8("b")))),
      "badRequest",
      /duplicated field name/,
    ],
    [
      "nesting over the depth cap",
      frame(OP.identify, concat(tlv(TAG.algorithm, new Uint8Array([3])), nested(6))),
      "tooLarge",
      /depth/,
    ],
    [
      "more fields than the per-container cap",
      frame(OP.list, concat(...Array.from({ length: 1025 }, () => tlv(TAG.token, utf8("t"))))),
      "tooLarge",
      /more than 1024 fields/,
    ],
    [
      "a response frame sent as a request",
      frame(0x83, new Uint8Array(0)),
      "badRequest",
      /expected a request frame/,
    ],
  ];
  for (const [what, bytes, status, pattern] of bodies) {
    await t.step(`both services answer ${what} and keep the connection usable`, async () => {
      for (const service of services) {
        const { replies, closed } = await exchange(service.port, [bytes, valid], { count: 2 });
        assert.equal(closed, false, `${service.name} closed the connection`);
        assertError(replies[0], status, pattern);
        assert.equal(replies[1]?.status, "ok", `${service.name}: ${JSON.stringify(replies[1])}`);
      }
      await stillServes();
    });
  }

  await t.step("both services refuse a frame over the size cap from its header", async () => {
    for (const service of services) {
      const header = frame(OP.enroll, new Uint8Array(0), 1_000_000_000);
      const { replies, closed } = await exchange(service.port, [header], { count: 2 });
      assertError(replies[0], "tooLarge", /1000000000 bytes exceeds the limit/);
      assert.equal(closed, true, `${service.name} kept a desynchronised connection open`);
    }
    await stillServes();
  });

  await t.step(
    "both services drop a frame whose length promises bytes that never come",
    async () => {
      await Promise.all(services.map(async (service) => {
        const started = performance.now();
        const lying = frame(OP.list, new Uint8Array(20), 5000);
        const { replies, closed } = await exchange(service.port, [lying], { count: 2 });
        const ms = performance.now() - started;
        assert.equal(closed, true);
        assertError(replies[0], "badRequest", /not complete 1000 ms after its first byte/);
        // --read-timeout 1, not the 30 s default; generous above for a loaded machine.
        assert.ok(ms >= 900 && ms < 10_000, `${service.name} dropped it after ${ms} ms`);
      }));
      await stillServes();
    },
  );

  await t.step("both services survive connections closed mid-frame", async () => {
    const whole = encodeRequest({
      op: "identify",
      algorithm: "lbph",
      images: [{ data: orl(2, 9) }],
    });
    for (const service of services) {
      // Half-closed inside the body: the server says why, then hangs up.
      const half = await exchange(service.port, [whole.subarray(0, 500)], {
        count: 2,
        closeAfterWrite: true,
      });
      assert.equal(half.closed, true);
      assert.equal(half.replies.length, 1);
      assert.equal(half.replies[0]?.op, "identify");
      assertError(
        half.replies[0],
        "badRequest",
        /stream ended inside a frame after 490 of \d+ body/,
      );
      // Fully closed (reset) inside the header and inside the body.
      for (const cut of [3, 700]) {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port: service.port });
        await conn.write(whole.subarray(0, cut));
        conn.close();
      }
    }
    await stillServes();
    for (const service of services) {
      assert.match(service.log(), /stream ended inside a frame after \d+ of \d+ body bytes/);
    }
  });

  await t.step("a 1-byte-per-second client is cut off and never blocks others", async () => {
    const slow = encodeRequest({ op: "list" });
    await Promise.all(services.map(async (service) => {
      const chunks = [...slow].map((b) => new Uint8Array([b]));
      let cutAt = Infinity;
      const started = Promise.withResolvers<void>();
      const trickle = exchange(service.port, chunks, {
        gapMs: 400,
        count: 2,
        written: () => started.resolve(),
      }).finally(() => cutAt = performance.now());
      // From its first byte the slow frame has --read-timeout (1 s) before it is cut off.
      await started.promise;
      const other = await call(service.address, { op: "stats" });
      assert.equal(other.status, "ok");
      assert.ok(performance.now() < cutAt, "another client waited on the slow one");
      const { replies, closed } = await trickle;
      assert.equal(closed, true);
      assertError(replies[0], "badRequest", /not complete 1000 ms/);
    }));
    await stillServes();
  });

  await t.step("an idle connection is closed after --idle-timeout", async () => {
    await Promise.all(services.map(async (service) => {
      const idle = await Deno.connect({ hostname: "127.0.0.1", port: service.port });
      const started = performance.now();
      const other = await call(service.address, { op: "stats" });
      assert.equal(other.status, "ok");
      const n = await idle.read(new Uint8Array(16)); // null once the server hangs up
      const ms = performance.now() - started;
      assert.equal(n, null);
      // Not before --idle-timeout 3; the upper bound, generous for a loaded machine, still
      // tells the flag from the 60 s default.
      assert.ok(ms >= 2500 && ms < 10_000, `${service.name} closed it after ${ms} ms`);
      idle.close();
    }));
    await stillServes();
  });

  await t.step("neither process exited, and both logged the refusals", async () => {
    for (const service of services) {
      const exited = await Promise.race([
        service.child.status.then(() => true),
        new Promise<false>((r) => setTimeout(() => r(false), 100)),
      ]);
      assert.equal(exited, false, `${service.name} exited`);
      assert.match(service.log(), /bad request|bad framing/);
      // Nothing above was answered with a generic internal error.
      assert.doesNotMatch(service.log(), /request failed|uncaught|panic/i);
    }
  });
});
