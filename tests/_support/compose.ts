/**
 * Test photos made from other photos: images placed side by side on a grey canvas, so that
 * a test knows exactly how many faces a photo shows and roughly where.
 * @module
 */
import { decodeImage, encodeJpeg } from "../../lib/imaging/mod.ts";

/**
 * The encoded images `files` side by side, left to right, each `margin` pixels from its
 * neighbours and the canvas's edges, as a JPEG.
 */
export function sideBySide(files: readonly Uint8Array[], margin = 40): Uint8Array<ArrayBuffer> {
  const images = files.map((bytes) => decodeImage(bytes));
  const width = images.reduce((w, img) => w + img.width + margin, margin);
  const height = Math.max(...images.map((img) => img.height)) + 2 * margin;
  const data = new Uint8Array(width * height * 4).fill(128);
  let left = margin;
  for (const img of images) {
    for (let y = 0; y < img.height; y++) {
      const from = y * img.width * 4;
      data.set(img.data.subarray(from, from + img.width * 4), ((y + margin) * width + left) * 4);
    }
    left += img.width + margin;
  }
  return new Uint8Array(encodeJpeg({ width, height, data }, 92));
}
