import assert from "node:assert/strict";
import { pyrDown } from "../../lib/imaging/_pyr_down.ts";
import { shrinkRgba } from "../../lib/imaging/_shrink.ts";
import { loadOpenCV } from "../../wasm/opencv.ts";
import { pseudoRandomBytes } from "./_data.ts";

const { cv } = await loadOpenCV();

function cvResult(
  width: number,
  height: number,
  channels: number,
  data: Uint8Array,
  op: (src: InstanceType<typeof cv.Mat>, dst: InstanceType<typeof cv.Mat>) => void,
): { width: number; height: number; data: Uint8Array } {
  const type = [0, cv.CV_8UC1, 0, cv.CV_8UC3, cv.CV_8UC4][channels]!;
  const src = new cv.Mat(height, width, type);
  const dst = new cv.Mat();
  try {
    src.data.set(data);
    op(src, dst);
    return { width: dst.cols, height: dst.rows, data: new Uint8Array(dst.data) };
  } finally {
    dst.delete();
    src.delete();
  }
}

Deno.test("pyrDown() equals cv.pyrDown bit for bit, odd and even sizes, 1, 3 and 4 channels", () => {
  const sizes = [[1, 1], [2, 1], [1, 3], [2, 2], [3, 3], [4, 5], [7, 6], [17, 9], [64, 64], [
    101,
    77,
  ]];
  let seed = 1;
  for (const [w, h] of sizes) {
    for (const channels of [1, 3, 4]) {
      const data = pseudoRandomBytes(w! * h! * channels, seed++);
      const expected = cvResult(w!, h!, channels, data, (s, d) => cv.pyrDown(s, d));
      const got = pyrDown({ width: w!, height: h!, data }, channels);
      assert.deepEqual(
        [got.width, got.height],
        [expected.width, expected.height],
        `${w}x${h}x${channels}`,
      );
      assert.deepEqual(got.data, expected.data, `${w}x${h}x${channels}`);
    }
  }
  assert.throws(() => pyrDown({ width: 2, height: 2, data: new Uint8Array(5) }, 1), RangeError);
});

Deno.test("shrinkRgba() equals cv.resize INTER_AREA for whole factors, dropping the remainder", () => {
  // Factors up to 16 sum two channels per 32-bit word; 17 and up, or a buffer that is not
  // 4-byte aligned, one at a time. White pixels give the largest sums a lane can hold.
  const cases: [number, number, number, "random" | "white" | "unaligned"][] = [
    [36, 21, 3, "random"],
    [37, 23, 3, "random"],
    [64, 48, 4, "random"],
    [9, 9, 2, "random"],
    [5, 7, 5, "random"],
    [50, 35, 16, "random"],
    [35, 35, 17, "random"],
    [32, 48, 16, "white"],
    [40, 20, 6, "unaligned"],
  ];
  for (const [w, h, k, kind] of cases) {
    let data = pseudoRandomBytes(w * h * 4, w * 31 + h);
    if (kind === "white") data.fill(255);
    if (kind === "unaligned") data = new Uint8Array(data.length + 1).fill(7).subarray(1);
    if (kind === "unaligned") data.set(pseudoRandomBytes(w * h * 4, w));
    const got = shrinkRgba({ width: w, height: h, data }, k);
    const cw = Math.floor(w / k) * k, ch = Math.floor(h / k) * k;
    // OpenCV on the exactly covered part: the columns and rows shrinkRgba drops are excluded.
    const covered = new Uint8Array(cw * ch * 4);
    for (let y = 0; y < ch; y++) {
      covered.set(data.subarray(y * w * 4, (y * w + cw) * 4), y * cw * 4);
    }
    const expected = cvResult(
      cw,
      ch,
      4,
      covered,
      (s, d) => cv.resize(s, d, new cv.Size(cw / k, ch / k), 0, 0, cv.INTER_AREA),
    );
    assert.deepEqual([got.width, got.height], [expected.width, expected.height]);
    assert.deepEqual(got.data, expected.data, `${w}x${h} by ${k} (${kind})`);
  }
  const img = { width: 4, height: 4, data: new Uint8Array(64) };
  assert.throws(() => shrinkRgba(img, 0), RangeError);
  assert.throws(() => shrinkRgba(img, 5), RangeError);
  assert.throws(() => shrinkRgba(img, 1.5), RangeError);
  assert.throws(() => shrinkRgba({ ...img, data: new Uint8Array(3) }, 2), RangeError);
});
