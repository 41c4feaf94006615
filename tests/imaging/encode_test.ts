import assert from "node:assert/strict";
import { decodeImage, encodeJpeg, encodePng } from "../../lib/imaging/mod.ts";
import { fixture, meanDiff, repoFixture } from "./_data.ts";

Deno.test("encodePng() round-trips RGBA exactly, alpha included", () => {
  const img = decodeImage(fixture("face_la.png"));
  const back = decodeImage(encodePng(img));
  assert.equal(back.format, "png");
  assert.deepEqual(back.data, img.data);
});

Deno.test("encodeJpeg() round-trips a photo closely, and quality trades size for error", () => {
  const img = decodeImage(repoFixture("no_face/HappyFish.jpg"));
  const hi = encodeJpeg(img, 95);
  const lo = encodeJpeg(img, 30);
  assert.ok(lo.length < hi.length, `q30 ${lo.length} bytes, q95 ${hi.length}`);
  const back = decodeImage(hi);
  assert.equal(back.format, "jpeg");
  assert.equal(back.width, img.width);
  assert.ok(meanDiff(back.data, img.data) < 2, `mean diff ${meanDiff(back.data, img.data)}`);
  assert.ok(meanDiff(decodeImage(lo).data, img.data) > meanDiff(back.data, img.data));
  assert.equal(decodeImage(encodeJpeg(img)).height, img.height);
});

Deno.test("encodeJpeg() and encodePng() refuse malformed input", () => {
  const bad = { width: 2, height: 2, data: new Uint8Array(3) };
  assert.throws(() => encodePng(bad), RangeError);
  assert.throws(() => encodeJpeg(bad), RangeError);
  assert.throws(() => encodeJpeg({ width: 1, height: 1, data: new Uint8Array(4) }, 0), RangeError);
});
