/**
 * `cv.pyrDown` in plain TypeScript, bit for bit: the 5x5 Gaussian [1 4 6 4 1]^2 / 256 with
 * BORDER_REFLECT_101, then every second pixel, rounding as OpenCV does for 8-bit images
 * ((sum + 128) >> 8). Done here rather than in OpenCV-WASM so that a large face region can be
 * reduced before it is copied onto the WASM heap, which never gives memory back.
 * @module
 */

/** Packed 8-bit pixels with `channels` interleaved samples each. */
export interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** OpenCV's BORDER_REFLECT_101 (gfedcb|abcdefgh|gfedcba) for an index just outside 0..n-1. */
function reflect101(i: number, n: number): number {
  if (n === 1) return 0;
  let j = i;
  while (j < 0 || j >= n) j = j < 0 ? -j : 2 * n - 2 - j;
  return j;
}

/**
 * Halves an image as `cv.pyrDown(src, dst)` does: the result is
 * `ceil(width / 2)` x `ceil(height / 2)`, its pixel (x, y) centred over source pixel
 * (2x, 2y).
 */
export function pyrDown(img: Pixels, channels: number): Pixels {
  const { width: w, height: h, data } = img;
  if (data.length !== w * h * channels) {
    throw new RangeError(
      `expected ${w * h * channels} bytes for ${w}x${h}x${channels}, got ${data.length}`,
    );
  }
  const ow = (w + 1) >> 1, oh = (h + 1) >> 1;
  // Source column of each tap, per output column: 5 taps, border-reflected.
  const cols = new Int32Array(ow * 5);
  for (let x = 0; x < ow; x++) {
    for (let k = 0; k < 5; k++) cols[x * 5 + k] = reflect101(2 * x + k - 2, w) * channels;
  }
  // Horizontally filtered rows, kept for the 5 source rows the vertical pass needs.
  const rowLen = ow * channels;
  const filtered = new Map<number, Int32Array>();
  const hRow = (r: number): Int32Array => {
    let row = filtered.get(r);
    if (row) return row;
    row = new Int32Array(rowLen);
    const base = r * w * channels;
    for (let x = 0; x < ow; x++) {
      const t = x * 5;
      const c0 = base + cols[t]!, c1 = base + cols[t + 1]!, c2 = base + cols[t + 2]!;
      const c3 = base + cols[t + 3]!, c4 = base + cols[t + 4]!;
      for (let c = 0; c < channels; c++) {
        row[x * channels + c] = data[c0 + c]! + 4 * (data[c1 + c]! + data[c3 + c]!) +
          6 * data[c2 + c]! + data[c4 + c]!;
      }
    }
    filtered.set(r, row);
    return row;
  };
  const out = new Uint8Array(rowLen * oh);
  for (let y = 0; y < oh; y++) {
    const r0 = hRow(reflect101(2 * y - 2, h)), r1 = hRow(reflect101(2 * y - 1, h));
    const r2 = hRow(reflect101(2 * y, h)), r3 = hRow(reflect101(2 * y + 1, h));
    const r4 = hRow(reflect101(2 * y + 2, h));
    const o = y * rowLen;
    for (let i = 0; i < rowLen; i++) {
      out[o + i] = (r0[i]! + 4 * (r1[i]! + r3[i]!) + 6 * r2[i]! + r4[i]! + 128) >> 8;
    }
    // Rows below 2y - 2 are not needed again.
    for (const key of filtered.keys()) if (key < 2 * y) filtered.delete(key);
  }
  return { width: ow, height: oh, data: out };
}
