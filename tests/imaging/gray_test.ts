import assert from "node:assert/strict";
import { loadOpenCV } from "../../wasm/opencv.ts";
import { liveMatCount, MatScope, toGray, toGrayRegion } from "../../lib/imaging/mod.ts";
import { fixture } from "./_data.ts";

function rgba(...px: number[][]): Uint8Array {
  return new Uint8Array(px.flat());
}

Deno.test("toGray() uses BT.601 fixed-point weights with OpenCV's rounding", () => {
  const img = {
    width: 8,
    height: 1,
    data: rgba(
      [255, 0, 0, 255],
      [0, 255, 0, 255],
      [0, 0, 255, 255],
      [255, 255, 255, 0],
      [1, 1, 1, 255],
      [100, 150, 200, 255],
      [3, 2, 200, 255],
      [77, 13, 201, 255],
    ),
  };
  // Expected values are cv2.cvtColor(COLOR_RGB2GRAY) output (OpenCV 4.6).
  assert.deepEqual([...toGray(img).data], [76, 150, 29, 255, 1, 141, 25, 54]);
});

Deno.test("toGray() ignores alpha", () => {
  const a = toGray({ width: 1, height: 1, data: rgba([10, 200, 30, 0]) });
  const b = toGray({ width: 1, height: 1, data: rgba([10, 200, 30, 255]) });
  assert.deepEqual(a.data, b.data);
});

Deno.test("toGray() matches cv2.cvtColor(COLOR_RGB2GRAY) exactly on a photo", () => {
  const rgb = fixture("face.rgb");
  const data = new Uint8Array((rgb.length / 3) * 4);
  for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) data.set(rgb.subarray(i, i + 3), j);
  assert.deepEqual(toGray({ width: 64, height: 64, data }).data, fixture("face.rgb.gray"));
});

Deno.test("toGray() refuses a buffer of the wrong length", () => {
  assert.throws(() => toGray({ width: 2, height: 2, data: new Uint8Array(15) }), RangeError);
});

Deno.test("toGray() matches OpenCV.js cvtColor(COLOR_RGBA2GRAY) on every colour channel value", async () => {
  const { cv } = await loadOpenCV();
  // 256 x 256 pixels covering all (r, g) pairs, with b cycling: a broad sweep of inputs.
  const width = 256;
  const height = 256;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([i & 255, i >> 8, (i * 7) & 255, 255], i * 4);
  const before = liveMatCount();
  {
    using scope = new MatScope();
    const src = scope.track(new cv.Mat(height, width, cv.CV_8UC4));
    src.data.set(data);
    const dst = scope.track(new cv.Mat());
    cv.cvtColor(src, dst, cv.COLOR_RGBA2GRAY);
    assert.deepEqual(toGray({ width, height, data }).data, new Uint8Array(dst.data));
  }
  assert.equal(liveMatCount(), before);
});

Deno.test("toGrayRegion() holds what the same rectangle of toGray() does, clamped to the image", () => {
  const width = 37, height = 23;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  const img = { width, height, data };
  const full = toGray(img);
  const boxes = [
    { x: 0, y: 0, width, height },
    { x: 5, y: 3, width: 11, height: 7 },
    { x: -4, y: 20, width: 10, height: 10 }, // over the left and bottom edges
    { x: 30, y: -2, width: 50, height: 4 },
  ];
  for (const box of boxes) {
    const got = toGrayRegion(img, box);
    const x0 = Math.max(0, box.x), y0 = Math.max(0, box.y);
    const x1 = Math.min(width, box.x + box.width), y1 = Math.min(height, box.y + box.height);
    assert.deepEqual([got.width, got.height], [x1 - x0, y1 - y0], JSON.stringify(box));
    const expected: number[] = [];
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) expected.push(full.data[y * width + x]!);
    }
    assert.deepEqual([...got.data], expected, JSON.stringify(box));
  }
  assert.equal(toGrayRegion(img, { x: 40, y: 0, width: 5, height: 5 }).data.length, 0);
  assert.throws(
    () => toGrayRegion({ width: 2, height: 2, data: new Uint8Array(3) }, boxes[0]!),
    RangeError,
  );
});
