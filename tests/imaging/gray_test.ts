import assert from "node:assert/strict";
import { toGray } from "../../lib/imaging/mod.ts";
import { fixture } from "./_data.ts";

function rgba(...px: number[][]): Uint8Array {
  return new Uint8Array(px.flat());
}

Deno.test("toGray() uses BT.601 fixed-point weights with OpenCV's rounding", () => {
  const img = {
    width: 6,
    height: 1,
    data: rgba(
      [255, 0, 0, 255],
      [0, 255, 0, 255],
      [0, 0, 255, 255],
      [255, 255, 255, 0],
      [1, 1, 1, 255],
      [100, 150, 200, 255],
    ),
  };
  // (R*4899 + G*9617 + B*1868 + 8192) >> 14
  assert.deepEqual([...toGray(img).data], [76, 150, 29, 255, 1, 141]);
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
