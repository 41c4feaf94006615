/**
 * The detect worker's pipeline (decode, detect, crop) frees every OpenCV object it makes,
 * on success and on failure, so a long-running detector does not grow.
 */
import assert from "node:assert/strict";
import { HaarDetector } from "../../lib/detection/mod.ts";
import { cropAndResize, decodeGray, liveMatCount } from "../../lib/imaging/mod.ts";
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
  const inputs = [
    fixture("bbt/bbt2.jpg"),
    fixture("orl/s2/1.pgm"),
    fixture("no_face/HappyFish.jpg"),
    new Uint8Array(0),
    randomBytes(1000),
    pngClaiming(100_000, 100_000),
    fixture("bbt/bbt2.jpg").subarray(0, 5000),
  ];
  const analyze = (bytes: Uint8Array) => {
    try {
      const gray = decodeGray(bytes);
      for (const box of detector.detect(gray)) {
        cropAndResize(cv, gray, box, FACE_WIDTH, FACE_HEIGHT);
      }
      // A box outside the image fails inside the crop.
      cropAndResize(cv, gray, { x: -50, y: -50, width: 10, height: 10 }, FACE_WIDTH, FACE_HEIGHT);
    } catch {
      // refused inputs are the point of this test
    }
  };
  for (const bytes of inputs) analyze(bytes); // warm up: the WASM heap settles its size
  const live = liveMatCount();
  const heap = heapBytes();
  for (let round = 0; round < 4; round++) for (const bytes of inputs) analyze(bytes);
  assert.equal(liveMatCount(), live);
  assert.equal(heapBytes(), heap);
});
