import assert from "node:assert/strict";
import { loadOpenCV } from "../../wasm/opencv.ts";
import { liveMatCount, MatScope, toGray } from "../../lib/imaging/mod.ts";
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
