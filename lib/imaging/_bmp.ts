/**
 * Windows bitmap (BMP/DIB) decoder, written to see what OpenCV 4.6's `grfmt_bmp.cpp` sees.
 *
 * Spec: Microsoft Win32 GDI "Bitmap Storage" (BITMAPFILEHEADER; BITMAPCOREHEADER,
 * BITMAPINFOHEADER, BITMAPV4HEADER, BITMAPV5HEADER) and "Bitmap Compression" (BI_RLE8,
 * BI_RLE4, BI_BITFIELDS). Rows are padded to 4 bytes and stored bottom-up unless the height
 * is negative.
 *
 * Grey is made the way `cv2.imread(path, IMREAD_GRAYSCALE)` makes it, which is not
 * `cvtColor`: the BMP reader converts each palette entry or BGR pixel itself with the older
 * 14-bit weights of imgcodecs/src/utils.cpp, `(B*1868 + G*9617 + R*4899 + 8192) >> 14`
 * (checked on random pixels: the 15-bit weights of gray.ts differ on some). Its quirks are
 * kept, because the native reference reads through it:
 * - 16-bit pixels widen 5 or 6 bits by shifting left, without replicating high bits;
 * - 32-bit pixels are read as B, G, R, A bytes whatever BI_BITFIELDS masks say, and alpha
 *   does not enter the grey;
 * - palette indices past the declared colour count read as black;
 * - RLE pixels that the stream skips (delta, end of line, end of bitmap) take palette
 *   entry 0; RLE4 deltas move right only and its end-of-bitmap ends only the row; a run
 *   that would cross the row's end, or a stream that ends before the last row, makes the
 *   file unreadable.
 * Beyond OpenCV, arbitrary 16-bit masks, BI_ALPHABITFIELDS and 2-bit palettes are decoded,
 * and the final row may lack its padding.
 * @module
 */
import { ImageError } from "./errors.ts";
import type { GrayImage, RgbaImage } from "./image.ts";

const BI_RGB = 0;
const BI_RLE8 = 1;
const BI_RLE4 = 2;
const BI_BITFIELDS = 3;
const BI_JPEG = 4;
const BI_PNG = 5;
const BI_ALPHABITFIELDS = 6;

const FILE_HEADER = 14;
/** Largest pixel buffer a decoder allocates; callers enforce their own, smaller limits. */
const MAX_BUFFER = 2 ** 30;

/** One channel of a BI_BITFIELDS pixel: where its bits are and how many there are. */
interface Channel {
  shift: number;
  bits: number;
}

/** Everything the headers say that decoding needs. */
interface BmpInfo {
  width: number;
  /** Absolute height; `topDown` says which way rows run. */
  height: number;
  topDown: boolean;
  bpp: number;
  compression: number;
  /** Offset of the pixel data (bfOffBits). */
  dataOffset: number;
  /** 256 BGR entries for bpp <= 8, zero past the declared count (as in OpenCV). */
  palette?: Uint8Array;
  /** 16- and 32-bit channel layout (red, green, blue, alpha). */
  masks?: { r: Channel; g: Channel; b: Channel; a: Channel | undefined };
}

function truncated(what: string, need: number, got: number): ImageError {
  return new ImageError(
    "unreadable",
    `truncated BMP ${what}: expected at least ${need} bytes, got ${got}`,
  );
}

function channel(mask: number): Channel | undefined {
  if (mask === 0) return undefined;
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (shift + bits < 32 && ((mask >>> (shift + bits)) & 1) === 1) bits++;
  return { shift, bits };
}

/** Widens an n-bit sample to 8 bits as OpenCV does for 5-5-5 and 5-6-5: shift, no fill. */
function widen(v: number, bits: number): number {
  return bits >= 8 ? v >>> (bits - 8) : (v << (8 - bits)) & 0xff;
}

/** OpenCV imgcodecs' BGR-to-grey (utils.cpp, SCALE 14, round half up). */
function bgrGray(b: number, g: number, r: number): number {
  return (b * 1868 + g * 9617 + r * 4899 + 8192) >> 14;
}

const NO_CHANNEL: Channel = { shift: 0, bits: 0 };

function parse(bytes: Uint8Array, withPalette: boolean): BmpInfo {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`expected BMP bytes as a Uint8Array, got ${typeof bytes}`);
  }
  if (bytes.length < FILE_HEADER + 4) throw truncated("header", FILE_HEADER + 4, bytes.length);
  if (bytes[0] !== 0x42 || bytes[1] !== 0x4d) {
    throw new ImageError(
      "unreadable",
      `BMP: expected signature "BM", got bytes ${bytes[0]} ${bytes[1]}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataOffset = view.getUint32(10, true);
  const size = view.getUint32(FILE_HEADER, true);
  if (size !== 12 && size < 36) {
    // 16 is the short OS/2 2.x header, which OpenCV does not read either.
    throw new ImageError(
      size === 16 ? "unsupported" : "unreadable",
      `BMP: DIB header of ${size} bytes, expected 12 (core) or at least 40 (info)`,
    );
  }
  if (FILE_HEADER + size > bytes.length) {
    throw truncated("DIB header", FILE_HEADER + size, bytes.length);
  }
  const core = size === 12;
  const width = core ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = core ? view.getUint16(20, true) : view.getInt32(22, true);
  const bpp = core ? view.getUint16(24, true) : view.getUint16(28, true);
  const compression = core ? BI_RGB : view.getUint32(30, true);
  if (!(width > 0 && rawHeight !== 0)) {
    throw new ImageError(
      "unreadable",
      `BMP header declares ${width}x${rawHeight}: expected width > 0 and height != 0`,
    );
  }
  if (compression === BI_JPEG || compression === BI_PNG) {
    throw new ImageError(
      "unsupported",
      `BMP with an embedded ${compression === BI_JPEG ? "JPEG" : "PNG"} is not supported`,
    );
  }
  const known = [BI_RGB, BI_RLE8, BI_RLE4, BI_BITFIELDS, BI_ALPHABITFIELDS];
  if (!known.includes(compression)) {
    throw new ImageError(
      "unsupported",
      `BMP compression ${compression} is not supported: expected 0-3 or 6`,
    );
  }
  const depths = core ? [1, 4, 8, 24, 32] : [1, 2, 4, 8, 16, 24, 32];
  if (!depths.includes(bpp)) {
    throw new ImageError(
      "unreadable",
      `BMP: expected ${depths.join(", ")} bits per pixel, got ${bpp}`,
    );
  }
  const needs: Record<number, number[]> = {
    [BI_RLE8]: [8],
    [BI_RLE4]: [4],
    [BI_BITFIELDS]: [16, 32],
    [BI_ALPHABITFIELDS]: [16, 32],
  };
  const allowed = needs[compression];
  if (allowed && !allowed.includes(bpp)) {
    throw new ImageError(
      "unreadable",
      `BMP compression ${compression}: expected ${allowed.join(" or ")} bits per pixel, ` +
        `got ${bpp}`,
    );
  }
  const info: BmpInfo = {
    width,
    height: Math.abs(rawHeight),
    topDown: rawHeight < 0,
    bpp,
    compression,
    dataOffset,
  };
  const after = FILE_HEADER + size;
  if (bpp <= 8) {
    const used = core ? 0 : view.getUint32(46, true);
    if (used > 256) {
      throw new ImageError("unreadable", `BMP: expected at most 256 colours, got ${used}`);
    }
    const entries = used === 0 ? 1 << bpp : used;
    const entrySize = core ? 3 : 4;
    if (after + entries * entrySize > bytes.length) {
      throw truncated("palette", after + entries * entrySize, bytes.length);
    }
    if (withPalette) {
      const palette = new Uint8Array(256 * 3);
      for (let i = 0; i < entries; i++) {
        palette.set(bytes.subarray(after + i * entrySize, after + i * entrySize + 3), i * 3);
      }
      info.palette = palette;
    }
  } else if (bpp === 16 || bpp === 32) {
    let r = 0x7c00, g = 0x03e0, b = 0x001f, a = 0;
    if (bpp === 32) [r, g, b] = [0xff0000, 0xff00, 0xff];
    // V2 and later headers hold the masks; after a 40-byte header they follow it.
    const inHeader = size >= 52;
    if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
      const count = compression === BI_ALPHABITFIELDS && !inHeader ? 4 : 3;
      const at = inHeader ? FILE_HEADER + 40 : after;
      if (at + 4 * count > bytes.length) {
        throw truncated("colour masks", at + 4 * count, bytes.length);
      }
      [r, g, b] = [0, 4, 8].map((o) => view.getUint32(at + o, true)) as [number, number, number];
      if (count === 4) a = view.getUint32(at + 12, true);
    }
    if (size >= 56) a = view.getUint32(FILE_HEADER + 52, true);
    const [cr, cg, cb] = [channel(r), channel(g), channel(b)];
    if (!cr || !cg || !cb) {
      throw new ImageError(
        "unreadable",
        `BMP colour masks ${[r, g, b].map((m) => `0x${m.toString(16)}`).join(", ")}: ` +
          "expected a non-zero mask for each of red, green and blue",
      );
    }
    info.masks = { r: cr, g: cg, b: cb, a: channel(a) };
  }
  return info;
}

/**
 * Reads the BMP file and DIB headers (and checks the palette or colour masks are there),
 * without touching pixel data. The height returned is always positive.
 *
 * @throws {ImageError} `unreadable` for a truncated or inconsistent header, `unsupported`
 * for an embedded JPEG/PNG, an unknown compression or an OS/2 2.x short header.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBmpHeader } from "./_bmp.ts";
 * const h = new Uint8Array(54);
 * h.set([0x42, 0x4d]);
 * new DataView(h.buffer).setUint32(14, 40, true);
 * new DataView(h.buffer).setInt32(18, 3, true);
 * new DataView(h.buffer).setInt32(22, -2, true); // top-down
 * new DataView(h.buffer).setUint16(28, 24, true);
 * assert.deepEqual(readBmpHeader(h), { width: 3, height: 2 });
 * ```
 */
export function readBmpHeader(bytes: Uint8Array): { width: number; height: number } {
  const { width, height } = parse(bytes, false);
  return { width, height };
}

function allocate(info: BmpInfo, channels: number): Uint8Array {
  const n = info.width * info.height * channels;
  if (n > MAX_BUFFER) {
    throw new ImageError(
      "too_large",
      `BMP image is ${info.width}x${info.height}: expected at most ${MAX_BUFFER} bytes of pixels`,
    );
  }
  return new Uint8Array(n);
}

/**
 * Palette indices of an RLE8 or RLE4 bitmap, one byte per pixel in stored row order,
 * decoded with OpenCV's state machine (see the module notes for its quirks).
 */
function decodeRle(bytes: Uint8Array, info: BmpInfo): Uint8Array {
  const { width: w, height: h, dataOffset } = info;
  const rle4 = info.compression === BI_RLE4;
  const out = allocate(info, 1);
  let at = dataOffset;
  let x = 0, y = 0;
  const take = (n: number): number => {
    if (at + n > bytes.length) {
      throw truncated(`RLE${rle4 ? 4 : 8} data`, at + n, bytes.length);
    }
    const from = at;
    at += n;
    return from;
  };
  // Writes `count` pixels of index `value`, wrapping to the next row at the row's end.
  const fill = (count: number, value: number): void => {
    do {
      const end = Math.min(x + count, w);
      count -= end - x;
      out.fill(value, y * w + x, y * w + end);
      x = end;
      if (x >= w) {
        x = 0;
        if (++y >= h) break;
      }
    } while (count > 0);
  };
  const overflow = (n: number): ImageError =>
    new ImageError(
      "unreadable",
      `BMP RLE${rle4 ? 4 : 8}: a run of ${n} pixels at x=${x} overflows the ${w}-pixel row ${y}`,
    );
  // After an encoded RLE8 run that ended exactly at the row's end (and so wrapped), an
  // end-of-line code is not a second line break.
  let wrapped = false;
  while (true) {
    const p = take(2);
    const len = bytes[p]!, code = bytes[p + 1]!;
    if (len !== 0) {
      if (x + len > w) throw overflow(len);
      if (rle4) {
        const pair = [code >> 4, code & 15];
        for (let t = 0; t < len; t++) out[y * w + x++] = pair[t & 1]!;
      } else {
        const before = y;
        fill(len, code);
        wrapped = y !== before;
        if (y >= h) break;
      }
    } else if (code > 2) { // absolute run
      if (x + code > w) throw overflow(code);
      const from = take(rle4 ? (((code + 1) >> 1) + 1) & ~1 : (code + 1) & ~1);
      for (let i = 0; i < code; i++) {
        out[y * w + x++] = rle4
          ? (i & 1 ? bytes[from + (i >> 1)]! & 15 : bytes[from + (i >> 1)]! >> 4)
          : bytes[from + i]!;
      }
      wrapped = false;
    } else if (rle4) { // 0: end of line; 1: end of bitmap, which ends only the row; 2: delta
      let shift = w - x;
      if (code === 2) {
        shift = bytes[take(1)]!;
        take(1);
      }
      fill(shift, 0);
      if (y >= h) break;
    } else {
      if (code !== 0 || !wrapped || x > 0) {
        let shift = w - x;
        let down = h - y;
        if (code === 2) {
          shift = bytes[take(1)]!;
          down = bytes[take(1)]!;
        }
        if (code !== 0) shift += down * w;
        fill(shift, 0);
        if (y >= h) break;
      }
      wrapped = false;
    }
  }
  return out;
}

/** Row pitch and used bytes of an uncompressed raster, after checking it is all there. */
function rasterRows(bytes: Uint8Array, info: BmpInfo): { pitch: number; rowBytes: number } {
  const rowBytes = Math.ceil((info.width * info.bpp) / 8);
  const pitch = (rowBytes + 3) & ~3;
  // The last row's padding may be missing: only its pixels must be there.
  const need = info.dataOffset + pitch * (info.height - 1) + rowBytes;
  if (need > bytes.length) throw truncated("pixel data", need, bytes.length);
  return { pitch, rowBytes };
}

/** Refuses a truncated uncompressed raster before anything is allocated for it. */
function checkRaster(bytes: Uint8Array, info: BmpInfo): void {
  if (info.compression !== BI_RLE8 && info.compression !== BI_RLE4) rasterRows(bytes, info);
}

/**
 * Visits every pixel in output order (top row first) with its stored BGR(A) value:
 * `emit(i, b, g, r, a)`, `a` being -1 when the file has no alpha.
 */
function forEachPixel(
  bytes: Uint8Array,
  info: BmpInfo,
  cv2Order: boolean,
  emit: (i: number, b: number, g: number, r: number, a: number) => void,
): void {
  const { width: w, height: h, bpp, palette, masks } = info;
  const storedRow = (y: number) => (info.topDown ? y : h - 1 - y);
  if (palette) {
    let indices: Uint8Array | undefined;
    if (info.compression === BI_RLE8 || info.compression === BI_RLE4) {
      indices = decodeRle(bytes, info);
    }
    const { pitch } = indices ? { pitch: 0 } : rasterRows(bytes, info);
    const perByte = 8 / bpp, mask = (1 << bpp) - 1;
    for (let y = 0, i = 0; y < h; y++) {
      const row = info.dataOffset + storedRow(y) * pitch;
      for (let x = 0; x < w; x++, i++) {
        const k = indices
          ? indices[storedRow(y) * w + x]!
          : bpp === 8
          ? bytes[row + x]!
          : (bytes[row + Math.floor(x / perByte)]! >> (8 - bpp * ((x % perByte) + 1))) & mask;
        emit(i, palette[k * 3]!, palette[k * 3 + 1]!, palette[k * 3 + 2]!, -1);
      }
    }
    return;
  }
  const { pitch } = rasterRows(bytes, info);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const m = masks ?? { r: NO_CHANNEL, g: NO_CHANNEL, b: NO_CHANNEL, a: undefined };
  const get = (v: number, c: Channel) => widen((v >>> c.shift) & ((2 ** c.bits) - 1), c.bits);
  const alpha = m.a;
  for (let y = 0, i = 0; y < h; y++) {
    const row = info.dataOffset + storedRow(y) * pitch;
    for (let x = 0; x < w; x++, i++) {
      if (bpp === 24) {
        const p = row + x * 3;
        emit(i, bytes[p]!, bytes[p + 1]!, bytes[p + 2]!, -1);
      } else if (bpp === 16) {
        const v = view.getUint16(row + x * 2, true);
        emit(i, get(v, m.b), get(v, m.g), get(v, m.r), alpha ? get(v, alpha) : -1);
      } else {
        const p = row + x * 4;
        if (cv2Order) {
          emit(i, bytes[p]!, bytes[p + 1]!, bytes[p + 2]!, -1);
        } else {
          const v = view.getUint32(p, true);
          emit(i, get(v, m.b), get(v, m.g), get(v, m.r), alpha ? get(v, alpha) : -1);
        }
      }
    }
  }
}

/**
 * Decodes a BMP to 8-bit grey exactly as `cv2.imread(path, IMREAD_GRAYSCALE)` does in
 * OpenCV 4.6: 1/2/4/8-bit palettes (also RLE4/RLE8), 16-bit 5-5-5, 5-6-5 and other masks,
 * 24-bit, 32-bit; bottom-up or top-down.
 *
 * @throws {ImageError} `unreadable` (truncated or corrupt), `unsupported` (see
 * {@link readBmpHeader}), `too_large` past 1 GiB of pixels.
 */
export function decodeBmpGray(bytes: Uint8Array): GrayImage {
  const info = parse(bytes, true);
  checkRaster(bytes, info);
  const out = allocate(info, 1);
  const palette = info.palette;
  if (palette) {
    // Convert the 256 entries once, as OpenCV does, then index.
    const grey = new Uint8Array(256 * 3);
    for (let k = 0; k < 256; k++) {
      grey.fill(
        bgrGray(palette[k * 3]!, palette[k * 3 + 1]!, palette[k * 3 + 2]!),
        k * 3,
        k * 3 + 3,
      );
    }
    info.palette = grey;
    forEachPixel(bytes, info, true, (i, b) => out[i] = b);
  } else {
    forEachPixel(bytes, info, true, (i, b, g, r) => out[i] = bgrGray(b, g, r));
  }
  return { width: info.width, height: info.height, data: out };
}

/**
 * Decodes a BMP to 8-bit RGBA. Colours are those OpenCV's colour read gives, except that
 * 32-bit BI_BITFIELDS masks are honoured. Alpha comes from an alpha mask (V3+ headers or
 * BI_ALPHABITFIELDS) and is otherwise 255; an alpha channel that is zero everywhere is taken
 * as unused (many writers leave it so) and the image is made opaque.
 *
 * @throws {ImageError} as {@link decodeBmpGray}.
 */
export function decodeBmpRgba(bytes: Uint8Array): RgbaImage {
  const info = parse(bytes, true);
  checkRaster(bytes, info);
  const out = allocate(info, 4);
  let anyAlpha = false;
  forEachPixel(bytes, info, false, (i, b, g, r, a) => {
    const o = i * 4;
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    out[o + 3] = a < 0 ? 255 : a;
    if (a > 0) anyAlpha = true;
  });
  if (info.masks?.a && !anyAlpha) {
    for (let o = 3; o < out.length; o += 4) out[o] = 255;
  }
  return { width: info.width, height: info.height, data: out };
}
