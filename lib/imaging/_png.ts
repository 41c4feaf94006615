/**
 * PNG to RGBA through fast-png, normalising every colour type and bit depth to 8-bit RGBA.
 * 16-bit samples keep their high byte, as libpng's strip_16 (and so OpenCV's imread) does.
 * @module
 */
import { convertIndexedToRgb, decode } from "fast-png";
import type { RgbaImage } from "./image.ts";
import { checkInflatedSize } from "./_inflate_guard.ts";
import { pngChunks } from "./_png_chunks.ts";

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

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };
// Adam7 passes: x start, y start, x step, y step (PNG spec 8.2).
const ADAM7 = [[0, 0, 8, 8], [4, 0, 8, 8], [0, 4, 4, 8], [2, 0, 4, 4], [0, 2, 2, 4], [1, 0, 2, 2], [
  0,
  1,
  1,
  2,
]] as const;

/**
 * Bytes of filtered scanlines the IHDR allows (PNG spec 7.2 and 8.2), or undefined for a
 * header fast-png will reject anyway.
 */
function rawSize(bytes: Uint8Array): number | undefined {
  if (bytes.length < 29) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16), height = view.getUint32(20);
  const depth = bytes[24]!, channels = CHANNELS[bytes[25]!], interlaced = bytes[28] === 1;
  if (channels === undefined) return undefined;
  const line = (w: number) => (w > 0 ? 1 + Math.ceil((w * depth * channels) / 8) : 0);
  if (!interlaced) return height * line(width);
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7) {
    const w = Math.ceil((width - x0) / dx), h = Math.ceil((height - y0) / dy);
    if (w > 0 && h > 0) total += h * line(w);
  }
  return total;
}

/** The concatenated IDAT payloads: the image's zlib stream. */
function imageData(bytes: Uint8Array): Uint8Array {
  const parts = [...pngChunks(bytes)].filter((c) => c.type === "IDAT").map((c) => c.data);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Decodes a PNG file to RGBA. Image data that inflates far past what the header needs is
 * refused before fast-png (which inflates it all) sees it; otherwise throws whatever
 * fast-png throws on corrupt input.
 */
export function decodePngRgba(bytes: Uint8Array): RgbaImage {
  const raw = rawSize(bytes);
  if (raw !== undefined) checkInflatedSize(imageData(bytes), 2 * raw + 2 ** 20, "PNG image data");
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
