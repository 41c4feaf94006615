/**
 * The first image file directory (IFD) of a TIFF, and the image layout the decoder in
 * `_tiff.ts` derives from it.
 *
 * Spec: TIFF 6.0 (Adobe, 1992): sections 2 (header and IFDs), 3-6 (bilevel, greyscale,
 * palette and RGB images), 8 (baseline fields such as ExtraSamples), 14 (Predictor) and 16
 * (CMYK, InkSet); Adobe Deflate (compression 32946) per the Adobe PageMaker 6.0 TIFF
 * Technical Notes.
 *
 * UTIF's IFD walker is not used: it trusts every count and offset (a flipped byte can make
 * it push billions of values or follow an IFD chain round in a circle), so the first IFD is
 * read here with every offset checked. Where libtiff accepts a doubtful directory (a missing
 * PhotometricInterpretation, a palette image without a usable ColorMap) it is read as
 * libtiff reads it, since OpenCV shows what libtiff gives it.
 * @module
 */
import { ImageError } from "./errors.ts";

/** The tags this decoder reads; all others are skipped. */
export const T = {
  width: 256,
  height: 257,
  bitsPerSample: 258,
  compression: 259,
  photometric: 262,
  fillOrder: 266,
  stripOffsets: 273,
  orientation: 274,
  samplesPerPixel: 277,
  rowsPerStrip: 278,
  stripByteCounts: 279,
  planar: 284,
  predictor: 317,
  colorMap: 320,
  tileWidth: 322,
  tileLength: 323,
  tileOffsets: 324,
  tileByteCounts: 325,
  inkSet: 332,
  extraSamples: 338,
  sampleFormat: 339,
} as const;
const WANTED = new Set<number>(Object.values(T));

export const NONE = 1, LZW = 5, PACKBITS = 32773;
export const DEFLATE = 8, ADOBE_DEFLATE = 32946;
const COMPRESSIONS = new Set([NONE, LZW, DEFLATE, ADOBE_DEFLATE, PACKBITS]);
const COMPRESSION_NAMES: Record<number, string> = {
  2: "CCITT RLE",
  3: "CCITT Group 3",
  4: "CCITT Group 4",
  6: "old-style JPEG",
  7: "JPEG",
  34712: "JPEG 2000",
  34887: "LERC",
  34925: "LZMA",
  50000: "Zstandard",
  50001: "WebP",
};
export const WHITE_IS_ZERO = 0, BLACK_IS_ZERO = 1, RGB = 2, PALETTE = 3;
const SEPARATED = 5;
export const UNASSOCIATED_ALPHA = 2;
const ASSOCIATED_ALPHA = 1;

/** The first IFD: byte order and the values of the tags we use. */
export interface Directory {
  little: boolean;
  tags: Map<number, number[]>;
}

export function unreadable(message: string): ImageError {
  return new ImageError("unreadable", `TIFF: ${message}`);
}

export function truncated(what: string, need: number, got: number): ImageError {
  return new ImageError(
    "unreadable",
    `truncated TIFF ${what}: expected at least ${need} bytes, got ${got}`,
  );
}

export function unsupported(message: string): ImageError {
  return new ImageError("unsupported", `TIFF: ${message}`);
}

/**
 * Reads the first IFD. Only the tags this decoder uses are loaded; other tags, and tags
 * whose values would lie past the end of the file, are skipped, as libtiff skips them.
 */
export function readDirectory(bytes: Uint8Array): Directory {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`expected TIFF bytes as a Uint8Array, got ${typeof bytes}`);
  }
  if (bytes.length < 8) throw truncated("header", 8, bytes.length);
  const order = String.fromCharCode(bytes[0]!, bytes[1]!);
  if (order !== "II" && order !== "MM") {
    throw unreadable(`expected byte order "II" or "MM", got ${JSON.stringify(order)}`);
  }
  const little = order === "II";
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint16(2, little);
  if (magic === 43) throw new ImageError("unsupported", "BigTIFF is not supported");
  if (magic !== 42) throw unreadable(`expected version 42, got ${magic}`);
  const ifd = view.getUint32(4, little);
  if (ifd < 8) throw unreadable(`first IFD at byte ${ifd}: expected an offset of at least 8`);
  if (ifd + 2 > bytes.length) throw truncated("IFD", ifd + 2, bytes.length);
  const count = view.getUint16(ifd, little);
  if (count === 0) throw unreadable(`IFD at byte ${ifd} has no entries, expected at least 1`);
  if (ifd + 2 + count * 12 > bytes.length) {
    throw truncated("IFD", ifd + 2 + count * 12, bytes.length);
  }
  const tags = new Map<number, number[]>();
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    const tag = view.getUint16(entry, little);
    if (!WANTED.has(tag) || tags.has(tag)) continue;
    const type = view.getUint16(entry + 2, little);
    const n = view.getUint32(entry + 4, little);
    const size = type === 1 ? 1 : type === 3 ? 2 : type === 4 ? 4 : 0;
    if (size === 0) throw unreadable(`tag ${tag} has type ${type}, expected BYTE, SHORT or LONG`);
    if (n === 0) continue;
    const at = n * size <= 4 ? entry + 8 : view.getUint32(entry + 8, little);
    if (at + n * size > bytes.length) continue; // libtiff ignores such a tag too
    const values = new Array<number>(n);
    for (let k = 0; k < n; k++) {
      values[k] = size === 1
        ? bytes[at + k]!
        : size === 2
        ? view.getUint16(at + 2 * k, little)
        : view.getUint32(at + 4 * k, little);
    }
    tags.set(tag, values);
  }
  return { little, tags };
}

/** The first value of `tag`, or `fallback` when the IFD lacks it. */
export function first(dir: Directory, tag: number, fallback: number): number {
  return dir.tags.get(tag)?.[0] ?? fallback;
}

function dimensions(dir: Directory): { width: number; height: number } {
  const width = first(dir, T.width, 0), height = first(dir, T.height, 0);
  if (!(width > 0 && height > 0)) {
    throw unreadable(
      `ImageWidth x ImageLength (tags 256, 257) is ${width}x${height}: expected both > 0`,
    );
  }
  return { width, height };
}

/**
 * Reads the first IFD's ImageWidth and ImageLength (tags 256 and 257), in either byte
 * order, without decoding pixels. The size is the stored one: Orientation 5-8 swaps it in
 * the decoded image.
 *
 * @throws {ImageError} `unreadable` for a truncated header or IFD or a missing size,
 * `unsupported` for BigTIFF.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readTiffHeader } from "./_tiff.ts";
 * const t = new Uint8Array(8 + 2 + 2 * 12 + 4);
 * const v = new DataView(t.buffer);
 * t.set([0x49, 0x49, 42, 0, 8]); // "II", 42, first IFD at 8
 * v.setUint16(8, 2, true);
 * v.setUint16(10, 256, true), v.setUint16(12, 3, true), v.setUint32(14, 1, true);
 * v.setUint16(18, 61, true);
 * v.setUint16(22, 257, true), v.setUint16(24, 4, true), v.setUint32(26, 1, true);
 * v.setUint32(30, 48, true);
 * assert.deepEqual(readTiffHeader(t), { width: 61, height: 48 });
 * ```
 */
export function readTiffHeader(bytes: Uint8Array): { width: number; height: number } {
  return dimensions(readDirectory(bytes));
}

/** What decoding needs from the IFD, checked. Where the strips or tiles lie is left out. */
export interface Layout {
  width: number;
  height: number;
  bps: number;
  spp: number;
  photometric: number;
  compression: number;
  predictor: number;
  /** Planes stored separately (PlanarConfiguration 2 with several samples). */
  planes: number;
  /** libtiff's reading of ExtraSamples: 0 none, 1 associated, 2 unassociated alpha. */
  alpha: number;
  orientation: number;
  colormap?: number[];
  /** TileWidth for tiled images, checked with the tiles in `_tiff_chunks.ts`; else undefined. */
  tileWidth?: number;
}

/**
 * Checks the IFD's description of the image against what this decoder reads, refusing
 * other variants as `unsupported` and inconsistent ones as `unreadable`.
 */
export function layout(dir: Directory): Layout {
  const { width, height } = dimensions(dir);
  const spp = first(dir, T.samplesPerPixel, 1);
  const depths = dir.tags.get(T.bitsPerSample) ?? [1];
  const bps = depths[0]!;
  if (spp < 1) throw unreadable(`SamplesPerPixel is ${spp}, expected at least 1`);
  if (depths.some((d) => d !== bps)) {
    throw unsupported(`BitsPerSample ${depths.join(",")}: expected the same for all samples`);
  }
  if (![1, 2, 4, 8, 16].includes(bps)) {
    throw unsupported(`${bps}-bit samples: expected 1, 2, 4, 8 or 16 bits`);
  }
  const format = first(dir, T.sampleFormat, 1);
  if (format !== 1 && format !== 2) {
    throw unsupported(`SampleFormat ${format}: expected unsigned or signed integers`);
  }
  const compression = first(dir, T.compression, NONE);
  if (!COMPRESSIONS.has(compression)) {
    const name = COMPRESSION_NAMES[compression] ?? `compression ${compression}`;
    throw unsupported(`${name} is not supported: expected none, LZW, Deflate or PackBits`);
  }
  const extras = dir.tags.get(T.extraSamples) ?? [];
  const colorChannels = spp - extras.length;
  // libtiff guesses a missing PhotometricInterpretation from the colour channels, and
  // reads a palette image without a usable ColorMap as RGB or grey.
  let photometric = first(dir, T.photometric, colorChannels >= 3 ? RGB : BLACK_IS_ZERO);
  if (photometric === PALETTE && dir.tags.get(T.colorMap)?.length !== 3 << bps && bps >= 8) {
    photometric = spp === 3 ? RGB : BLACK_IS_ZERO;
  }
  const planar = first(dir, T.planar, 1);
  if (planar !== 1 && planar !== 2) {
    throw unreadable(`PlanarConfiguration ${planar}: expected 1 or 2`);
  }
  const planes = planar === 2 && spp > 1 ? spp : 1;
  let alpha = 0;
  if (extras[0] === 0 && spp > 3) alpha = ASSOCIATED_ALPHA;
  if (extras[0] === ASSOCIATED_ALPHA || extras[0] === UNASSOCIATED_ALPHA) alpha = extras[0];
  let colormap: number[] | undefined;
  switch (photometric) {
    case WHITE_IS_ZERO:
    case BLACK_IS_ZERO:
    case PALETTE:
      if (spp !== 1 && bps < 8) {
        throw unsupported(`${spp} samples per pixel of ${bps} bits: expected 1 below 8 bits`);
      }
      if (planes > 1) throw unsupported("greyscale or palette in separate planes");
      if (photometric === PALETTE) {
        if (bps > 8) throw unsupported(`${bps}-bit palette indices: expected at most 8 bits`);
        colormap = dir.tags.get(T.colorMap);
        if (colormap?.length !== 3 << bps) {
          throw unreadable(
            `ColorMap (tag 320) has ${colormap?.length ?? 0} entries, expected ${3 << bps}`,
          );
        }
      }
      break;
    case RGB:
      if (colorChannels < 3) throw unreadable(`RGB with ${colorChannels} colour channels`);
      if (bps < 8) throw unsupported(`${bps}-bit RGB: expected 8 or 16 bits`);
      break;
    case SEPARATED:
      if (first(dir, T.inkSet, 1) !== 1) throw unsupported("separated image other than CMYK");
      if (spp < 4) throw unreadable(`CMYK with ${spp} samples per pixel, expected at least 4`);
      if (bps !== 8) throw unsupported(`${bps}-bit CMYK: expected 8 bits`);
      break;
    default:
      throw unsupported(
        `PhotometricInterpretation ${photometric}: expected WhiteIsZero, BlackIsZero, RGB, ` +
          "palette or CMYK",
      );
  }
  const predictor = first(dir, T.predictor, 1);
  if (predictor === 2 && bps < 8) {
    throw unsupported(`horizontal differencing of ${bps}-bit samples`);
  }
  if (predictor !== 1 && predictor !== 2) {
    throw unsupported(`Predictor ${predictor}: expected none or horizontal differencing`);
  }
  const orientation = first(dir, T.orientation, 1);
  const tiled = dir.tags.has(T.tileWidth) || dir.tags.has(T.tileOffsets);
  return {
    width,
    height,
    bps,
    spp,
    photometric,
    compression,
    predictor,
    planes,
    alpha,
    orientation: orientation >= 1 && orientation <= 8 ? orientation : 1,
    colormap,
    tileWidth: tiled ? first(dir, T.tileWidth, 0) : undefined,
  };
}
