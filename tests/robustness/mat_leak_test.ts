/**
 * The detect worker's pipeline (decode, detect, crop) frees every OpenCV object it makes,
 * on success and on failure, so a long-running detector does not grow.
 */
import assert from "node:assert/strict";
import { HaarDetector } from "../../lib/detection/mod.ts";
import { cropAndResize, decodeGray, ImageError, liveMatCount } from "../../lib/imaging/mod.ts";
import { FACE_HEIGHT, FACE_WIDTH } from "../../lib/imaging/image.ts";
import { loadOpenCV } from "../../wasm/opencv.ts";
import { pngClaiming, randomBytes } from "./_net.ts";

/** The demo fixtures this repository ships. */
const FIXTURES = new URL("../../fixtures/", import.meta.url);
const fixture = (path: string) => Deno.readFileSync(new URL(path, FIXTURES));

Deno.test("decode -> detect -> crop frees every Mat, also when an image is refused", async () => {
  const { cv } = await loadOpenCV();
  using detector = await HaarDetector.create();
  const heapBytes = () => (cv as unknown as { HEAP8: Int8Array }).HEAP8.length;
  const group = fixture("bbt/bbt2.jpg");
  // Each input with the faces it must give, or "refused" for an ImageError from the decoder.
  const inputs: [string, Uint8Array, number | "refused"][] = [
    ["group photo", group, 5],
    ["ORL face", fixture("orl/s2/1.pgm"), 1],
    ["photo without a face", fixture("no_face/HappyFish.jpg"), 0],
    ["empty", new Uint8Array(0), "refused"],
    ["random bytes", randomBytes(1000), "refused"],
    ["PNG claiming 100000x100000", pngClaiming(100_000, 100_000), "refused"],
    ["truncated JPEG", group.subarray(0, 5000), "refused"],
  ];
  /** Faces found and cropped, or "refused"; anything but an ImageError fails the test. */
  const analyze = (bytes: Uint8Array): number | "refused" => {
    let gray;
    try {
      gray = decodeGray(bytes);
    } catch (e) {
      if (e instanceof ImageError) return "refused";
      throw e;
    }
    const boxes = detector.detect(gray);
    for (const box of boxes) {
      const face = cropAndResize(cv, gray, box, FACE_WIDTH, FACE_HEIGHT);
      assert.equal(face.data.length, FACE_WIDTH * FACE_HEIGHT);
    }
    // A box outside the image fails inside the crop, after its Mats were made.
    assert.throws(
      () =>
        cropAndResize(cv, gray, { x: -50, y: -50, width: 10, height: 10 }, FACE_WIDTH, FACE_HEIGHT),
      RangeError,
    );
    return boxes.length;
  };
  const run = () => inputs.map(([what, bytes]) => [what, analyze(bytes)]);
  const expected = inputs.map(([what, , outcome]) => [what, outcome]);
  assert.deepEqual(run(), expected); // also the warm-up: the WASM heap settles its size
  const live = liveMatCount();
  const heap = heapBytes();
  let faces = 0;
  for (let round = 0; round < 4; round++) {
    const outcomes = run();
    assert.deepEqual(outcomes, expected, `round ${round}`);
    for (const [, n] of outcomes) if (typeof n === "number") faces += n;
  }
  assert.equal(faces, 4 * 6, "4 rounds of 5 + 1 faces, every one cropped");
  assert.equal(liveMatCount(), live);
  assert.equal(heapBytes(), heap);
});
