import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeRequest,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  type Frame,
  FrameReader,
  HEADER_BYTES,
  type ModelState,
  OPS,
  ProtocolError,
  readFrames,
  type Request,
  type Response,
  STATUS,
  type Status,
  type WireBox,
  type WireFace,
  type WireImage,
} from "../../lib/protocol/mod.ts";
import { rawFrame } from "./_helpers.ts";

// noNullPrototype: the decoder builds plain objects, and deepEqual compares prototypes.
const text = fc.string({ unit: "binary", maxLength: 12 });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const i32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
const f64 = fc.double({ noNaN: true, noDefaultInfinity: true });
// An identify threshold is a distance: never negative (-0 included, as -0 >= 0).
const distance = fc.double({ min: -0, noNaN: true, noDefaultInfinity: true });
const blob = fc.uint8Array({ maxLength: 24 });
const algorithm = fc.constantFrom("eigen", "fisher", "lbph" as const);
const list = <T>(item: fc.Arbitrary<T>) => fc.array(item, { maxLength: 3 });
const nonEmpty = <T>(item: fc.Arbitrary<T>) => fc.array(item, { minLength: 1, maxLength: 3 });

const box: fc.Arbitrary<WireBox> = fc.record({ x: i32, y: i32, width: u32, height: u32 }, {
  requiredKeys: [
    "x",
    "y",
    "width",
    "height",
  ],
  noNullPrototype: true,
});
const image: fc.Arbitrary<WireImage> = fc.record({ filename: text, data: blob }, {
  requiredKeys: ["data"],
  noNullPrototype: true,
});
const face: fc.Arbitrary<WireFace> = fc
  .record({ width: fc.integer({ min: 1, max: 5 }), height: fc.integer({ min: 1, max: 5 }) })
  .chain(({ width, height }) =>
    fc.record({
      width: fc.constant(width),
      height: fc.constant(height),
      pixels: fc.uint8Array({ minLength: width * height, maxLength: width * height }),
      box,
      imageIndex: u32,
    }, { requiredKeys: ["width", "height", "pixels", "box", "imageIndex"], noNullPrototype: true })
  );
const model: fc.Arbitrary<ModelState> = fc.record({
  algorithm,
  state: fc.constantFrom("ready", "stale", "untrained", "unavailable" as const),
  faces: u32,
  message: text,
}, { requiredKeys: ["algorithm", "state", "faces"], noNullPrototype: true });

const storedFace = fc.record(
  { id: u32, createdAt: f64, filename: text, score: f64, aligned: fc.boolean(), png: blob },
  { requiredKeys: ["id", "createdAt", "aligned", "png"], noNullPrototype: true },
);

const request: fc.Arbitrary<Request> = fc.oneof(
  fc.record({
    op: fc.constant("enroll" as const),
    token: text,
    name: text,
    images: nonEmpty(image),
    faces: nonEmpty(face),
  }, { requiredKeys: ["op", "name"], noNullPrototype: true }),
  fc.record({
    op: fc.constant("identify" as const),
    token: text,
    algorithm,
    threshold: distance,
    images: nonEmpty(image),
    faces: nonEmpty(face),
  }, { requiredKeys: ["op", "algorithm"], noNullPrototype: true }),
  fc.record({ op: fc.constant("list" as const), token: text }, {
    requiredKeys: ["op"],
    noNullPrototype: true,
  }),
  fc.record({ op: fc.constant("forget" as const), token: text, name: text }, {
    requiredKeys: ["op", "name"],
    noNullPrototype: true,
  }),
  fc.record({ op: fc.constant("stats" as const), token: text }, {
    requiredKeys: ["op"],
    noNullPrototype: true,
  }),
  fc.record({
    op: fc.constant("verify" as const),
    token: text,
    algorithm,
    threshold: distance,
    name: text,
    images: nonEmpty(image),
    faces: nonEmpty(face),
  }, { requiredKeys: ["op", "algorithm"], noNullPrototype: true }),
  fc.record({ op: fc.constant("rename" as const), token: text, name: text, newName: text }, {
    requiredKeys: ["op", "name", "newName"],
    noNullPrototype: true,
  }),
  fc.record({ op: fc.constantFrom("faces", "export" as const), token: text, name: text }, {
    requiredKeys: ["op", "name"],
    noNullPrototype: true,
  }),
  fc.record({ op: fc.constant("forgetFace" as const), token: text, name: text, faceId: u32 }, {
    requiredKeys: ["op", "name", "faceId"],
    noNullPrototype: true,
  }),
);

const ok = fc.constant("ok" as const);
const errorStatus = fc.constantFrom(
  ...(Object.keys(STATUS) as Status[]).filter((status) => status !== "ok"),
) as fc.Arbitrary<Exclude<Status, "ok">>;
const knownOp = fc.constantFrom(...(Object.keys(OPS) as (keyof typeof OPS)[]));
const rawOp = fc.oneof(
  fc.constant(0),
  fc.integer({ min: Math.max(...Object.values(OPS)) + 1, max: 0x7f }),
);

const response: fc.Arbitrary<Response> = fc.oneof(
  fc.record({
    op: fc.constant("enroll" as const),
    status: ok,
    name: text,
    stored: u32,
    personFaces: u32,
    images: list(fc.record({
      index: u32,
      outcome: fc.constantFrom("stored", "no_face", "several_faces", "unreadable" as const),
      faces: u32,
      message: text,
      data: blob,
    }, { requiredKeys: ["index", "outcome", "faces"], noNullPrototype: true })),
    models: list(model),
  }, {
    requiredKeys: ["op", "status", "name", "stored", "personFaces", "images", "models"],
    noNullPrototype: true,
  }),
  fc.record({
    op: fc.constant("identify" as const),
    status: ok,
    faces: list(fc.record({
      box,
      name: fc.option(text, { nil: null }),
      distance: f64,
      algorithm,
      threshold: f64,
      candidates: list(
        fc.record({ name: text, distance: f64 }, {
          requiredKeys: ["name", "distance"],
          noNullPrototype: true,
        }),
      ),
    }, {
      requiredKeys: ["box", "name", "distance", "algorithm", "threshold", "candidates"],
      noNullPrototype: true,
    })),
    imageWidth: u32,
    imageHeight: u32,
    image: blob,
  }, {
    requiredKeys: ["op", "status", "faces", "imageWidth", "imageHeight"],
    noNullPrototype: true,
  }),
  fc.record({
    op: fc.constant("list" as const),
    status: ok,
    people: list(
      fc.record({ name: text, faces: u32 }, {
        requiredKeys: ["name", "faces"],
        noNullPrototype: true,
      }),
    ),
  }, { requiredKeys: ["op", "status", "people"], noNullPrototype: true }),
  fc.record({
    op: fc.constant("forget" as const),
    status: ok,
    name: text,
    removedFaces: u32,
    models: list(model),
  }, { requiredKeys: ["op", "status", "name", "removedFaces", "models"], noNullPrototype: true }),
  fc.record({
    op: fc.constant("stats" as const),
    status: ok,
    version: text,
    people: u32,
    faces: u32,
    models: list(model),
  }, {
    requiredKeys: ["op", "status", "version", "people", "faces", "models"],
    noNullPrototype: true,
  }),
  fc.record({
    op: fc.constant("verify" as const),
    status: ok,
    algorithm,
    faces: list(u32),
    name: text,
  }, { requiredKeys: ["op", "status", "algorithm", "faces"], noNullPrototype: true }).chain((
    reply,
  ) =>
    fc.option(fc.record({ same: fc.boolean(), distance, threshold: distance }), {
      nil: undefined,
    }).map((compared) => ({ ...reply, ...compared }))
  ),
  fc.record({ op: fc.constant("rename" as const), status: ok, name: text, newName: text }, {
    noNullPrototype: true,
  }),
  fc.record({
    op: fc.constant("export" as const),
    status: ok,
    name: text,
    total: u32,
    faces: list(storedFace),
  }, { noNullPrototype: true }),
  fc.record({
    op: fc.constant("faces" as const),
    status: ok,
    name: text,
    total: u32,
    faces: list(storedFace.map(({ png: _, ...info }) => info)),
  }, { noNullPrototype: true }),
  fc.record({
    op: fc.constant("forgetFace" as const),
    status: ok,
    name: text,
    faceId: u32,
    personFaces: u32,
    models: list(model),
  }, { noNullPrototype: true }),
  fc.record({ op: fc.oneof(knownOp, rawOp), status: errorStatus, message: text }, {
    requiredKeys: [
      "op",
      "status",
      "message",
    ],
    noNullPrototype: true,
  }),
);

/** Runs `fn`; anything it throws must be a ProtocolError. Returns whether it succeeded. */
function onlyProtocolErrors(fn: () => void): boolean {
  try {
    fn();
    return true;
  } catch (error) {
    if (error instanceof ProtocolError) return false;
    throw error;
  }
}

/** Decodes as a request and as a response; whatever decodes must re-encode to the same. */
function decodeEverything(frame: Frame | Uint8Array): void {
  onlyProtocolErrors(() => {
    const decoded = decodeRequest(frame);
    assert.deepEqual(decodeRequest(encodeRequest(decoded)), decoded);
  });
  onlyProtocolErrors(() => {
    const decoded = decodeResponse(frame);
    assert.deepEqual(decodeResponse(encodeResponse(decoded)), decoded);
  });
}

/** A byte string edited at a few random places: overwritten, cut or lengthened. */
function mutated(base: Uint8Array, edits: [number, number, number][]): Uint8Array {
  let out = base.slice();
  for (const [where, value, how] of edits) {
    const at = out.length === 0 ? 0 : where % out.length;
    if (how === 0) out[at] = value;
    else if (how === 1) out = out.slice(0, at);
    else out = new Uint8Array([...out.subarray(0, at), value, ...out.subarray(at)]);
  }
  return out;
}
const edits = fc.array(
  fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 2 })),
  { minLength: 1, maxLength: 4 },
);

Deno.test("decodeRequest() inverts encodeRequest() for arbitrary requests", () => {
  fc.assert(
    fc.property(request, (value) => {
      assert.deepEqual(decodeRequest(encodeRequest(value)), value);
    }),
    { numRuns: 500 },
  );
});

Deno.test("decodeResponse() inverts encodeResponse() for arbitrary responses", () => {
  fc.assert(
    fc.property(response, (value) => {
      assert.deepEqual(decodeResponse(encodeResponse(value)), value);
    }),
    { numRuns: 500 },
  );
});

Deno.test("FrameReader.push() splits arbitrary chunkings of arbitrary messages alike", () => {
  fc.assert(
    fc.property(fc.array(request, { maxLength: 4 }), fc.array(fc.nat()), (values, cuts) => {
      const stream = new Uint8Array(values.flatMap((value) => [...encodeRequest(value)]));
      const offsets = [...new Set(cuts.map((cut) => cut % (stream.length + 1)))].sort((a, b) =>
        a - b
      );
      const reader = new FrameReader();
      const frames: Frame[] = [];
      let previous = 0;
      for (const offset of [...offsets, stream.length]) {
        frames.push(...reader.push(stream.subarray(previous, offset)));
        previous = offset;
      }
      reader.end();
      assert.deepEqual(frames.map((frame) => decodeRequest(frame)), values);
    }),
    { numRuns: 200 },
  );
});

Deno.test("decoders throw only ProtocolError on random bytes", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
      decodeEverything(bytes);
      onlyProtocolErrors(() => {
        const reader = new FrameReader();
        reader.push(bytes);
        reader.end();
      });
    }),
    { numRuns: 2000 },
  );
});

Deno.test("decoders throw only ProtocolError on random bodies behind a valid header", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 64 }), (k, body) => {
      decodeEverything(rawFrame(k, body));
      decodeEverything({ kind: k, body });
    }),
    { numRuns: 2000 },
  );
});

Deno.test("decoders throw only ProtocolError on mutated valid frames", () => {
  const message = fc.oneof(
    request.map((value) => encodeRequest(value)),
    response.map((value) => encodeResponse(value)),
  );
  let decodedSome = 0;
  fc.assert(
    fc.property(message, edits, fc.boolean(), (frame, changes, bodyOnly) => {
      if (bodyOnly) {
        // Keep the header intact so the edits reach the TLV layer.
        const body = mutated(frame.subarray(HEADER_BYTES), changes);
        const kind = frame[3]!;
        decodeEverything({ kind, body });
        if (onlyProtocolErrors(() => decodeRequest({ kind, body }))) decodedSome++;
      } else {
        const bytes = mutated(frame, changes);
        decodeEverything(bytes);
        onlyProtocolErrors(() => {
          const reader = new FrameReader();
          for (const byte of bytes) reader.push(new Uint8Array([byte]));
          reader.end();
        });
      }
    }),
    { numRuns: 3000 },
  );
  // Some mutations must leave a valid message, or the re-encode check above never ran.
  assert.ok(decodedSome > 0, "no mutated request decoded");
});

const caps = fc.record({
  maxBodyBytes: fc.integer({ min: 0, max: 256 }),
  maxFieldsPerContainer: fc.integer({ min: 0, max: 6 }),
  maxDepth: fc.integer({ min: 0, max: 4 }),
  maxStringBytes: fc.integer({ min: 0, max: 16 }),
});

Deno.test("decodeRequest() under any caps returns the message unchanged or refuses it as tooLarge", () => {
  let refused = 0;
  fc.assert(
    fc.property(request, caps, (value, limits) => {
      const bytes = encodeRequest(value);
      try {
        assert.deepEqual(decodeRequest(bytes, limits), value);
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        assert.equal(error.status, "tooLarge", error.message);
        refused++;
      }
    }),
    { numRuns: 1000 },
  );
  assert.ok(refused > 0, "the caps never bit");
});

Deno.test("encodeRequest() round-trips any UTF-16 name, or refuses lone surrogates with TypeError", () => {
  const utf16 = fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    maxLength: 8,
  });
  fc.assert(
    fc.property(utf16, (name) => {
      let bytes: Uint8Array;
      try {
        bytes = encodeRequest({ op: "forget", name });
      } catch (error) {
        assert.ok(error instanceof TypeError && !name.isWellFormed(), String(error));
        return;
      }
      assert.ok(name.isWellFormed());
      assert.deepEqual(decodeRequest(bytes), { op: "forget", name });
    }),
    { numRuns: 1000 },
  );
});

Deno.test("readFrames() over any chunking of random or mutated bytes throws only ProtocolError", async () => {
  const stream = fc.oneof(
    fc.uint8Array({ maxLength: 96 }),
    fc.tuple(request, edits).map(([value, changes]) => mutated(encodeRequest(value), changes)),
  );
  await fc.assert(
    fc.asyncProperty(stream, fc.array(fc.nat(), { maxLength: 6 }), async (bytes, cuts) => {
      const offsets = [...new Set(cuts.map((c) => c % (bytes.length + 1))), bytes.length]
        .sort((a, b) => a - b);
      const chunks = offsets.map((end, i) => bytes.slice(i === 0 ? 0 : offsets[i - 1], end));
      try {
        for await (const frame of readFrames(ReadableStream.from(chunks), { maxBodyBytes: 4096 })) {
          onlyProtocolErrors(() => void decodeRequest(frame));
        }
      } catch (error) {
        if (!(error instanceof ProtocolError)) throw error;
        assert.equal(error.fatal, true);
      }
    }),
    { numRuns: 500 },
  );
});
