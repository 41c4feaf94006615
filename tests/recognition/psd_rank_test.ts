import assert from "node:assert/strict";
import { psdRank } from "../../lib/recognition/_psd_rank.ts";
import { fromRows, gramCols, matrix } from "../../lib/recognition/_matrix.ts";
import { random } from "./_synthetic.ts";

/** `rows x cols` values in [-scale, scale), seeded. */
function noise(rows: number, cols: number, seed: number, scale = 1) {
  const next = random(seed);
  return matrix(
    rows,
    cols,
    Float64Array.from({ length: rows * cols }, () => (next() * 2 - 1) * scale),
  );
}

Deno.test("psdRank() counts independent directions of small exact matrices", () => {
  assert.equal(psdRank(matrix(0, 0)), 0);
  assert.equal(psdRank(matrix(3, 3)), 0);
  assert.equal(psdRank(fromRows([[2, 0, 0], [0, 3, 0], [0, 0, 1]])), 3);
  assert.equal(psdRank(fromRows([[1, 1], [1, 1]])), 1);
  // The dependent direction is not the last one: pivoting must find it anyway.
  assert.equal(psdRank(fromRows([[1, 0, 1], [0, 0, 0], [1, 0, 1]])), 1);
  assert.throws(() => psdRank(matrix(2, 3)), {
    name: "TypeError",
    message: "psdRank: expected a square matrix, got 2x3",
  });
});

Deno.test("psdRank() finds the rank of a pixel-scale Gram matrix through its rounding noise", () => {
  // X^T X with X of rank r (40 x r times r x 30), entries near 1e4 as in a face scatter.
  for (const r of [1, 7, 22, 30]) {
    const x = matrix(40, 30);
    const a = noise(40, r, 11 + r, 100), b = noise(r, 30, 97 + r, 100);
    for (let i = 0; i < 40; i++) {
      for (let j = 0; j < 30; j++) {
        let s = 0;
        for (let k = 0; k < r; k++) s += a.data[i * r + k]! * b.data[k * 30 + j]!;
        x.data[i * 30 + j] = s;
      }
    }
    assert.equal(psdRank(gramCols(x)), r, `rank ${r}`);
  }
});

Deno.test("psdRank() keeps a well-separated small but real direction", () => {
  // Eigenvalues 1e8 and 1e-1 (ratio 1e-9, far above n * DBL_EPSILON): both count.
  assert.equal(psdRank(fromRows([[1e8, 0], [0, 1e-1]])), 2);
  assert.equal(psdRank(fromRows([[1e8, 0], [0, 1e-12]])), 1);
});
