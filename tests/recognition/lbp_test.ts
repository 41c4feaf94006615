import assert from "node:assert/strict";
import { lbpCodes } from "../../lib/recognition/mod.ts";

const patch = (rows: number[][]) => ({
  width: rows[0]!.length,
  height: rows.length,
  data: Uint8Array.from(rows.flat()),
});

// Expected codes were cross-checked against OpenCV 4.6 (an LBPH model with a 1x1 grid
// trained on each patch has its single histogram count in bin `code`).
Deno.test("lbpCodes() of 3x3 patches matches OpenCV's elbp_ bit for bit", () => {
  const cases: [number[][], number][] = [
    [[[100, 100, 100], [100, 100, 100], [100, 100, 100]], 255], // ties count as >=
    [[[0, 0, 0], [0, 0, 0], [0, 0, 0]], 255],
    [[[1, 1, 1], [1, 5, 9], [1, 7, 1]], 0b01000001], // right (bit 0), below (bit 6)
    [[[1, 2, 3], [4, 200, 6], [7, 8, 9]], 0],
    [[[10, 20, 30], [40, 50, 60], [70, 80, 90]], 225], // bits 0, 5, 6, 7
    // Below-right interpolates 0.0858*50 + 0.2071*50 + 0.2071*50 + 0.5*49 = 49.5 < 50.
    [[[50, 50, 50], [50, 50, 50], [50, 50, 49]], 127],
  ];
  for (const [rows, code] of cases) {
    const lbp = lbpCodes(patch(rows));
    assert.deepEqual([lbp.width, lbp.height], [1, 1]);
    assert.equal(lbp.codes[0], code, JSON.stringify(rows));
  }
});

Deno.test("lbpCodes() numbers bits counter-clockwise from the right neighbour", () => {
  // One bright neighbour at a time, on the axes: right 0, up 2, left 4, down 6.
  const at: [number, number, number][] = [[1, 2, 0], [0, 1, 2], [1, 0, 4], [2, 1, 6]];
  for (const [y, x, bit] of at) {
    const rows = [[0, 0, 0], [0, 100, 0], [0, 0, 0]];
    rows[y]![x] = 255; // diagonals interpolate at most 0.21 * 255 + 0.09 * 100 < 100
    assert.equal(lbpCodes(patch(rows)).codes[0], 1 << bit);
  }
});

Deno.test("lbpCodes() output is (w-2r)x(h-2r), row-major", () => {
  const rows = [
    [5, 5, 5, 5],
    [5, 9, 1, 5],
    [5, 5, 5, 5],
  ];
  const lbp = lbpCodes(patch(rows));
  assert.deepEqual([lbp.width, lbp.height], [2, 1]);
  assert.equal(lbp.codes[0], 0b00000000); // 9 beats every neighbour
  assert.equal(lbp.codes[1], 255); // every neighbour of 1 is >= 1
  assert.throws(() => lbpCodes(patch([[1, 2], [3, 4]])), {
    name: "RangeError",
    message: "image: expected at least 3x3 for radius 1, got 2x2",
  });
});

/** OpenCV's elbp_ written out plainly (float32 steps via Math.fround), as a reference. */
function referenceCodes(
  img: { width: number; height: number; data: Uint8Array },
  r: number,
  p: number,
) {
  const f = Math.fround, out: number[] = [];
  for (let i = r; i < img.height - r; i++) {
    for (let j = r; j < img.width - r; j++) {
      let code = 0;
      for (let n = 0; n < p; n++) {
        const x = f(r * Math.cos(2 * Math.PI * n / p)), y = f(-r * Math.sin(2 * Math.PI * n / p));
        const fx = Math.floor(x), fy = Math.floor(y), cx = Math.ceil(x), cy = Math.ceil(y);
        const ty = f(y - fy), tx = f(x - fx);
        const w1 = f(f(1 - tx) * f(1 - ty)), w2 = f(tx * f(1 - ty));
        const w3 = f(f(1 - tx) * ty), w4 = f(tx * ty);
        const at = (yy: number, xx: number) => img.data[(i + yy) * img.width + j + xx]!;
        const t = f(
          f(f(f(w1 * at(fy, fx)) + f(w2 * at(fy, cx))) + f(w3 * at(cy, fx))) + f(w4 * at(cy, cx)),
        );
        const c = at(0, 0);
        if (t > c || Math.abs(f(t - c)) < 2 ** -23) code |= 1 << n;
      }
      out.push(code);
    }
  }
  return out;
}

Deno.test("lbpCodes() equals a plain elbp_ on real faces, fused 8-neighbour path and general one", async () => {
  const bytes = await Deno.readFile(
    new URL("../../fixtures/orl/s7/3.pgm", import.meta.url),
  );
  const face = { width: 92, height: 112, data: bytes.subarray(bytes.length - 92 * 112) };
  for (const [radius, neighbors] of [[1, 8], [2, 8], [1, 4], [2, 12], [3, 16]] as const) {
    const ours = lbpCodes(face, radius, neighbors);
    assert.deepEqual(
      [...ours.codes],
      referenceCodes(face, radius, neighbors),
      `r=${radius} p=${neighbors}`,
    );
  }
});
