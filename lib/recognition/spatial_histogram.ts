/**
 * Spatially enhanced LBP histograms (Ahonen, T., Hadid, A. and Pietikäinen, M. "Face
 * recognition with local binary patterns", ECCV 2004; "Face description with local binary
 * patterns: Application to face recognition", IEEE TPAMI 28(12), 2006).
 *
 * The code image is cut into `gridX x gridY` cells of `floor(w / gridX) x floor(h / gridY)`
 * codes (the remainder on the right and bottom is ignored, as in OpenCV). Cell (row i,
 * column j) owns bins `[(i * gridX + j) * bins, ... + bins)`. OpenCV normalises each cell's
 * counts by the cell's pixel count in float32: `fround(count * fround(1 / cellPixels))`.
 *
 * @module
 */
import type { LbpImage } from "./lbp.ts";

/** Raw per-cell counts and what one count is worth after normalisation. */
export interface SpatialHistogram {
  /** `gridX * gridY * bins` counts, cell-major. */
  readonly counts: Uint32Array;
  /** Pixels per cell. */
  readonly cellPixels: number;
}

/**
 * Counts codes per cell.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spatialHistogram } from "./spatial_histogram.ts";
 * const lbp = { width: 2, height: 2, codes: Int32Array.of(0, 1, 2, 3) };
 * const { counts } = spatialHistogram(lbp, 4, 2, 2);
 * assert.equal(counts[0], 1);
 * assert.equal(counts[4 + 1], 1);
 * assert.equal(counts[8 + 2], 1);
 * ```
 */
export function spatialHistogram(
  lbp: LbpImage,
  bins: number,
  gridX: number,
  gridY: number,
): SpatialHistogram {
  const cellW = Math.floor(lbp.width / gridX), cellH = Math.floor(lbp.height / gridY);
  const counts = new Uint32Array(gridX * gridY * bins);
  for (let i = 0; i < gridY; i++) {
    for (let j = 0; j < gridX; j++) {
      const offset = (i * gridX + j) * bins;
      for (let y = i * cellH; y < (i + 1) * cellH; y++) {
        const row = y * lbp.width;
        for (let x = j * cellW; x < (j + 1) * cellW; x++) {
          const at = offset + lbp.codes[row + x]!;
          counts[at] = counts[at]! + 1;
        }
      }
    }
  }
  return { counts, cellPixels: cellW * cellH };
}

/** The normalised float32 value of each possible count, `0 .. cellPixels`. */
export function normalisedValues(cellPixels: number): Float64Array {
  const unit = Math.fround(1 / cellPixels);
  return Float64Array.from({ length: cellPixels + 1 }, (_, c) => Math.fround(c * unit));
}

/** The dense normalised histogram (what OpenCV's LBPH stores), for tests and inspection. */
export function normalisedHistogram(histogram: SpatialHistogram): Float32Array {
  const values = normalisedValues(histogram.cellPixels);
  return Float32Array.from(histogram.counts, (c) => values[c]!);
}
