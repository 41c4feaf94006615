/**
 * TIFF decoder (first image only), reading pixels as OpenCV 4.6 does.
 *
 * Spec: TIFF 6.0 (Adobe, 1992): sections 3-6 (bilevel, greyscale, palette and RGB pixels),
 * 8 (baseline fields such as FillOrder, ExtraSamples and Orientation), 15 (tiles), 16
 * (CMYK) and 18 (associated alpha). The first IFD and the layout derived from it are read in
 * `_tiff_directory.ts`; the strips and tiles are located, checked and decompressed (by UTIF,
 * npm utif2) in `_tiff_chunks.ts`. This file assembles their samples and turns them into
 * pixels.
 *
 * `cv2.imread(path, IMREAD_GRAYSCALE)` reads 8-bit output through libtiff 4.5's RGBA
 * interface (TIFFReadRGBAStrip/Tile, tif_getimage.c), then greys it with imgcodecs' 14-bit
 * weights, `(R*4899 + G*9617 + B*1868 + 8192) >> 14`. So, as checked against cv2:
 * - greyscale samples of 1-8 bits become `v * 255 / max` (WhiteIsZero: `(max - v) * 255 /
 *   max`), and 16-bit greys keep their high byte;
 * - 16-bit RGB is brought to 8 bits by `(v + 128) / 257`, rounding;
 * - a palette whose entries are all below 256 is taken as 8-bit, otherwise entries keep
 *   their high byte;
 * - unassociated alpha (ExtraSamples 2) is premultiplied, `(c * a + 127) / 255`, before the
 *   grey is taken; associated or unspecified alpha is not;
 * - CMYK (InkSet 1, 8-bit) becomes `(255 - K) * (255 - C) / 255` per channel;
 * - Orientation (tag 274) is applied, so orientations 5-8 swap width and height;
 * - two tile quirks are reproduced: 16-bit greys, and 8-bit greys with extra samples, read
 *   tiles clipped by the right edge with a wrong row stride; and horizontally flipping
 *   orientations reverse the order of tile columns.
 * Beyond OpenCV 4.6 (which refuses them), 2- and 4-bit greys and palettes are decoded the
 * way libtiff would. Where OpenCV shows whatever a truncated strip left in libtiff's buffer,
 * the file is refused here as unreadable. JPEG, CCITT, YCbCr, floating-point and other
 * variants are refused as unsupported.
 * @module
 */
import { applyOrientation } from "./_orientation.ts";
import { checkChunk, type Chunk, chunks, decodeChunk } from "./_tiff_chunks.ts";
import {
  BLACK_IS_ZERO,
  first,
  type Layout,
  layout,
  PALETTE,
  readDirectory,
  RGB,
  T,
  UNASSOCIATED_ALPHA,
  WHITE_IS_ZERO,
} from "./_tiff_directory.ts";
import { ImageError } from "./errors.ts";
import type { GrayImage, RgbaImage } from "./image.ts";

export { readTiffHeader } from "./_tiff_directory.ts";

/** Largest pixel buffer a decoder allocates; callers enforce their own, smaller limits. */
const MAX_BUFFER = 2 ** 30;

const REVERSED = new Uint8Array(256).map((_, b) => {
  let r = 0;
  for (let i = 0; i < 8; i++) r |= ((b >> i) & 1) << (7 - i);
  return r;
});

/** The stored samples, chunky (interleaved), rows of `rowBytes`, 16-bit little-endian. */
function readSamples(bytes: Uint8Array, img: Layout, parts: Chunk[], fillOrder: number): {
  raw: Uint8Array;
  rowBytes: number;
} {
  const { width, height, bps, spp, planes } = img;
  const rowBytes = Math.ceil((width * bps * spp) / 8);
  if (rowBytes * height > MAX_BUFFER) {
    throw new ImageError(
      "too_large",
      `TIFF image is ${width}x${height}: expected at most ${MAX_BUFFER} bytes of samples`,
    );
  }
  // UTIF views the whole file from byte 0 of an ArrayBuffer; bit order 2 (FillOrder) is
  // undone on a copy first, as libtiff does before decompressing.
  let file = bytes;
  if (fillOrder === 2 || bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) {
    file = bytes.slice();
    if (fillOrder === 2) {
      for (const c of parts) {
        // From the original, so that strips sharing bytes are not reversed twice.
        for (let i = c.offset; i < c.offset + c.count; i++) file[i] = REVERSED[bytes[i]!]!;
      }
    }
  }
  const buffer = file.buffer as ArrayBuffer;
  const samples = planes > 1 ? 1 : spp;
  for (const chunk of parts) checkChunk(file, img, chunk, samples);
  const planeRow = Math.ceil((width * bps * samples) / 8);
  const planeData = Array.from({ length: planes }, () => new Uint8Array(planeRow * height));
  for (const chunk of parts) {
    const data = decodeChunk(buffer, img, chunk, samples);
    const dst = planeData[chunk.plane]!;
    const chunkRow = Math.ceil((chunk.width * bps * samples) / 8);
    const x0 = (chunk.x * bps * samples) / 8;
    const copy = Math.min(chunkRow, planeRow - x0);
    const rows = Math.min(chunk.rows, height - chunk.y);
    // libtiff 4.5's greyscale put routines for 16-bit samples, or 8-bit ones with extra
    // samples (putgreytile, putagreytile, put16bitbwtile), step over the unused columns of a
    // tile clipped by the image's right edge by one byte per column, not one pixel: rows
    // after the first are read from too early in the tile. OpenCV shows that, so do we.
    const grey = img.photometric === WHITE_IS_ZERO || img.photometric === BLACK_IS_ZERO;
    const clipped = width - chunk.x < chunk.width; // only ever a tile
    const skewed = clipped && grey && (bps === 16 || (bps === 8 && spp > 1));
    const stride = skewed ? copy + chunk.width - (width - chunk.x) : chunkRow;
    for (let r = 0; r < rows; r++) {
      dst.set(data.subarray(r * stride, r * stride + copy), (chunk.y + r) * planeRow + x0);
    }
  }
  if (planes === 1) return { raw: planeData[0]!, rowBytes };
  const raw = new Uint8Array(rowBytes * height);
  const size = bps / 8;
  for (let s = 0; s < spp; s++) {
    const plane = planeData[s]!;
    for (let p = 0, n = width * height; p < n; p++) {
      for (let b = 0; b < size; b++) raw[(p * spp + s) * size + b] = plane[p * size + b]!;
    }
  }
  return { raw, rowBytes };
}

/** OpenCV imgcodecs' RGB-to-grey (utils.cpp, SCALE 14, round half up). */
function rgbGray(r: number, g: number, b: number): number {
  return (r * 4899 + g * 9617 + b * 1868 + 8192) >> 14;
}

/** libtiff's UaToAa table: colour times unassociated alpha, rounded. */
function premultiply(c: number, a: number): number {
  return Math.floor((c * a + 127) / 255);
}

/**
 * Visits every pixel in stored order with the 8-bit RGBA that libtiff's TIFFReadRGBA*
 * would give for it: `emit(i, r, g, b, a)`.
 */
function forEachPixel(
  img: Layout,
  raw: Uint8Array,
  rowBytes: number,
  emit: (i: number, r: number, g: number, b: number, a: number) => void,
): void {
  const { width, height, bps, spp, photometric, alpha } = img;
  // Sample `s` of pixel `x` in the row starting at `row`, as stored (1-16 bits).
  const sample = (row: number, x: number, s: number): number => {
    if (bps === 8) return raw[row + x * spp + s]!;
    if (bps === 16) {
      const at = row + (x * spp + s) * 2;
      return raw[at]! | (raw[at + 1]! << 8);
    }
    const bit = x * bps; // spp is 1 below 8 bits
    return (raw[row + (bit >> 3)]! >> (8 - bps - (bit & 7))) & ((1 << bps) - 1);
  };
  if (photometric === WHITE_IS_ZERO || photometric === BLACK_IS_ZERO) {
    const max = (1 << Math.min(bps, 8)) - 1;
    const map = new Uint8Array(max + 1).map((_, v) =>
      Math.floor(((photometric === WHITE_IS_ZERO ? max - v : v) * 255) / max)
    );
    const withAlpha = alpha !== 0 && bps === 8 && spp === 2; // libtiff's putagreytile
    for (let y = 0, i = 0; y < height; y++) {
      const row = y * rowBytes;
      for (let x = 0; x < width; x++, i++) {
        const v = map[bps === 16 ? sample(row, x, 0) >> 8 : sample(row, x, 0)]!;
        emit(i, v, v, v, withAlpha ? sample(row, x, 1) : 255);
      }
    }
  } else if (photometric === PALETTE) {
    const cmap = img.colormap!;
    const n = 1 << bps;
    // libtiff's checkcmap: a map that never reaches 256 is taken as 8-bit already.
    const wide = cmap.some((v) => v >= 256);
    const entry = (k: number) => (wide ? cmap[k]! >> 8 : cmap[k]!);
    for (let y = 0, i = 0; y < height; y++) {
      const row = y * rowBytes;
      for (let x = 0; x < width; x++, i++) {
        const k = sample(row, x, 0);
        emit(i, entry(k), entry(n + k), entry(2 * n + k), 255);
      }
    }
  } else if (photometric === RGB) {
    const to8 = bps === 16 ? (v: number) => Math.floor((v + 128) / 257) : (v: number) => v;
    const withAlpha = alpha !== 0 && spp >= 4;
    for (let y = 0, i = 0; y < height; y++) {
      const row = y * rowBytes;
      for (let x = 0; x < width; x++, i++) {
        let r = to8(sample(row, x, 0)), g = to8(sample(row, x, 1)), b = to8(sample(row, x, 2));
        const a = withAlpha ? to8(sample(row, x, 3)) : 255;
        if (withAlpha && alpha === UNASSOCIATED_ALPHA) {
          r = premultiply(r, a);
          g = premultiply(g, a);
          b = premultiply(b, a);
        }
        emit(i, r, g, b, a);
      }
    }
  } else { // CMYK, 8-bit
    for (let y = 0, i = 0; y < height; y++) {
      const row = y * rowBytes;
      for (let x = 0; x < width; x++, i++) {
        const k = 255 - sample(row, x, 3);
        emit(
          i,
          Math.floor((k * (255 - sample(row, x, 0))) / 255),
          Math.floor((k * (255 - sample(row, x, 1))) / 255),
          Math.floor((k * (255 - sample(row, x, 2))) / 255),
          255,
        );
      }
    }
  }
}

/**
 * Reverses the order of the tile columns of a stored image, each keeping its content's
 * direction. For orientations that flip horizontally (2, 3, 6, 7), libtiff's
 * TIFFReadRGBATile mirrors each tile on its own; OpenCV puts it back at its own place and
 * later flips the whole image, so the tiles trade places: cv2 shows such a file as if its
 * tile columns had been stored in reverse order.
 */
function reverseTileColumns(
  data: Uint8Array,
  width: number,
  height: number,
  tileWidth: number,
  channels: number,
): void {
  const row = new Uint8Array(width * channels);
  for (let y = 0; y < height; y++) {
    const line = data.subarray(y * width * channels, (y + 1) * width * channels);
    for (let x0 = 0; x0 < width; x0 += tileWidth) {
      const w = Math.min(tileWidth, width - x0);
      row.set(line.subarray(x0 * channels, (x0 + w) * channels), (width - x0 - w) * channels);
    }
    line.set(row);
  }
}

/**
 * Decodes the first IFD's samples and has `convert` fill an image of `channels` from them,
 * turning anything UTIF throws into an ImageError; then applies the orientation.
 */
function decodeWith<Img extends { width: number; height: number; data: Uint8Array }>(
  bytes: Uint8Array,
  channels: 1 | 4,
  convert: (img: Layout, raw: Uint8Array, rowBytes: number, out: Uint8Array) => void,
): Img {
  const dir = readDirectory(bytes);
  const img = layout(dir);
  const parts = chunks(dir, img, bytes.length);
  let out: Uint8Array;
  try {
    const { raw, rowBytes } = readSamples(bytes, img, parts, first(dir, T.fillOrder, 1));
    out = new Uint8Array(img.width * img.height * channels);
    convert(img, raw, rowBytes, out);
  } catch (e) {
    if (e instanceof ImageError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new ImageError("unreadable", `corrupt TIFF data: ${why}`, { cause: e });
  }
  if (img.tileWidth && [2, 3, 6, 7].includes(img.orientation)) {
    reverseTileColumns(out, img.width, img.height, img.tileWidth, channels);
  }
  const stored = { width: img.width, height: img.height, data: out } as Img;
  return applyOrientation(stored, img.orientation, channels);
}

/**
 * Decodes the first image of a TIFF to 8-bit grey exactly as `cv2.imread(path,
 * IMREAD_GRAYSCALE)` does in OpenCV 4.6 (see the module notes), Orientation applied.
 *
 * @throws {ImageError} `unreadable` (truncated or corrupt), `unsupported` (a compression,
 * photometric interpretation or bit depth we do not decode), `too_large` past 1 GiB.
 */
export function decodeTiffGray(bytes: Uint8Array): GrayImage {
  return decodeWith<GrayImage>(bytes, 1, (img, raw, rowBytes, out) => {
    forEachPixel(img, raw, rowBytes, (i, r, g, b) => out[i] = rgbGray(r, g, b));
  });
}

/**
 * Decodes the first image of a TIFF to 8-bit RGBA, as libtiff's RGBA interface gives it to
 * OpenCV: opaque unless the file has an alpha sample, colours premultiplied when that alpha
 * is unassociated. Orientation is applied.
 *
 * @throws {ImageError} as {@link decodeTiffGray}.
 */
export function decodeTiffRgba(bytes: Uint8Array): RgbaImage {
  return decodeWith<RgbaImage>(bytes, 4, (img, raw, rowBytes, out) => {
    forEachPixel(img, raw, rowBytes, (i, r, g, b, a) => {
      out[i * 4] = r;
      out[i * 4 + 1] = g;
      out[i * 4 + 2] = b;
      out[i * 4 + 3] = a;
    });
  });
}
