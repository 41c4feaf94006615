/**
 * Test helper: an approximate aligned chip without a detector. The LFW funnel leaves the face
 * in roughly the central 110-120 px of the 250x250 photo, so a centred square resized to the
 * chip stands in for real alignment where a test is about something else.
 * @module
 */
import type { RgbaImage, RgbImage } from "../../lib/imaging/mod.ts";
import { CHIP_SIZE } from "../../lib/recognition/face_descriptor.ts";

export /** Bilinear resample of a centred `side`-pixel square of an RGBA image to an RGB chip. */
function centredChip(img: RgbaImage, side: number): RgbImage {
  const data = new Uint8Array(CHIP_SIZE * CHIP_SIZE * 3);
  const scale = side / CHIP_SIZE;
  const x0 = (img.width - side) / 2, y0 = (img.height - side) / 2;
  const at = (x: number, y: number, c: number) => img.data[(y * img.width + x) * 4 + c] ?? 0;
  for (let y = 0; y < CHIP_SIZE; y++) {
    const sy = Math.min(Math.max(y0 + (y + 0.5) * scale - 0.5, 0), img.height - 1);
    const iy = Math.min(Math.floor(sy), img.height - 2), fy = sy - iy;
    for (let x = 0; x < CHIP_SIZE; x++) {
      const sx = Math.min(Math.max(x0 + (x + 0.5) * scale - 0.5, 0), img.width - 1);
      const ix = Math.min(Math.floor(sx), img.width - 2), fx = sx - ix;
      for (let c = 0; c < 3; c++) {
        const top = at(ix, iy, c) * (1 - fx) + at(ix + 1, iy, c) * fx;
        const bottom = at(ix, iy + 1, c) * (1 - fx) + at(ix + 1, iy + 1, c) * fx;
        data[(y * CHIP_SIZE + x) * 3 + c] = Math.round(top * (1 - fy) + bottom * fy);
      }
    }
  }
  return { width: CHIP_SIZE, height: CHIP_SIZE, data };
}
