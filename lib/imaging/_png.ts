/**
 * PNG to RGBA through fast-png, normalising every colour type and bit depth to 8-bit RGBA.
 * 16-bit samples keep their high byte, as libpng's strip_16 (and so OpenCV's imread) does.
 * @module
 */
import { convertIndexedToRgb, decode } from "fast-png";
import type { RgbaImage } from "./image.ts";

/** Expands packed 1/2/4-bit greyscale rows to one 0..255 sample per pixel. */
function unpackLowDepth(data: Uint8Array, width: number, height: number, depth: number) {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const max = (1 << depth) - 1;
  const perByte = 8 / depth;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = data[y * rowBytes + Math.floor(x / perByte)] ?? 0;
      const shift = 8 - depth * ((x % perByte) + 1);
      out[y * width + x] = Math.round((((byte >> shift) & max) * 255) / max);
    }
  }
  return out;
}

/** Decodes a PNG file to RGBA. Throws whatever fast-png throws on corrupt input. */
export function decodePngRgba(bytes: Uint8Array): RgbaImage {
  const png = decode(bytes);
  const { width, height } = png;
  const n = width * height;
  let samples: ArrayLike<number>;
  let channels = png.channels;
  let shift = 0;
  if (png.palette) {
    samples = convertIndexedToRgb(png);
    channels = png.palette[0]?.length ?? 3;
  } else if (png.depth < 8) {
    samples = unpackLowDepth(png.data as Uint8Array, width, height, png.depth);
  } else {
    samples = png.data;
    if (png.depth === 16) shift = 8;
  }
  if (samples.length < n * channels) {
    throw new Error(`PNG raster holds ${samples.length} samples, expected ${n * channels}`);
  }
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const s = i * channels;
    const o = i * 4;
    const first = (samples[s] ?? 0) >> shift;
    if (channels <= 2) {
      out[o] = out[o + 1] = out[o + 2] = first;
      out[o + 3] = channels === 2 ? (samples[s + 1] ?? 0) >> shift : 255;
    } else {
      out[o] = first;
      out[o + 1] = (samples[s + 1] ?? 0) >> shift;
      out[o + 2] = (samples[s + 2] ?? 0) >> shift;
      out[o + 3] = channels === 4 ? (samples[s + 3] ?? 0) >> shift : 255;
    }
  }
  return { width, height, data: out };
}
