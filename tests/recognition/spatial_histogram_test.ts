import assert from "node:assert/strict";
import { lbpCodes, normalisedHistogram, spatialHistogram } from "../../lib/recognition/mod.ts";

Deno.test("spatialHistogram() lays out 64 cells x 256 bins, cell-major, row by row", () => {
  // A 92x112 face gives 90x110 codes: cells of 11x13, the last 2 columns and 6 rows unused.
  const codes = new Int32Array(90 * 110);
  for (let y = 0; y < 110; y++) {
    for (let x = 0; x < 90; x++) {
      const cell = Math.min(7, Math.floor(y / 13)) * 8 + Math.min(7, Math.floor(x / 11));
      codes[y * 90 + x] = (cell * 3) % 256; // each cell has its own code
    }
  }
  const { counts, cellPixels } = spatialHistogram({ width: 90, height: 110, codes }, 256, 8, 8);
  assert.equal(counts.length, 16384);
  assert.equal(cellPixels, 143);
  for (let cell = 0; cell < 64; cell++) {
    assert.equal(counts[cell * 256 + (cell * 3) % 256], 143, `cell ${cell}`);
  }
  assert.equal(counts.reduce((a, b) => a + b, 0), 64 * 143, "the remainder is ignored");
});

Deno.test("normalisedHistogram() divides by the cell size in float32, as OpenCV", () => {
  // A flat 92x112 image: every code is 255, so bin 255 of every cell holds 143/143.
  const flat = { width: 92, height: 112, data: new Uint8Array(92 * 112).fill(77) };
  const h = normalisedHistogram(spatialHistogram(lbpCodes(flat), 256, 8, 8));
  const nonZero = [...h.keys()].filter((i) => h[i] !== 0);
  assert.deepEqual(nonZero, Array.from({ length: 64 }, (_, c) => c * 256 + 255));
  assert.equal(h[255], 1); // OpenCV 4.6 stores exactly 1.0 here too
  const one = normalisedHistogram({ counts: Uint32Array.of(1, 0, 7), cellPixels: 143 });
  assert.equal(one[0], Math.fround(Math.fround(1 / 143)));
  assert.equal(one[2], Math.fround(7 * Math.fround(1 / 143)));
});
