/**
 * TIFF decoder (first image only), reading pixels as OpenCV 4.6 does.
 *
 * Spec: TIFF 6.0 (Adobe, 1992): sections 2 (header and IFDs), 3-6 (bilevel, greyscale,
 * palette and RGB images, strips), 8 (baseline fields such as ExtraSamples), 9 (PackBits),
 * 13 (LZW), 14 (horizontal differencing predictor), 15 (tiles), 16 (CMYK); Adobe Deflate
 * per the Adobe PageMaker 6.0 TIFF Technical Notes.
 *
 * Decompression (none, LZW, Deflate, PackBits), the predictor and 16-bit byte order are
 * left to UTIF (npm utif2). Its IFD walker is not used: it trusts every count and offset
 * (a flipped byte can make it push billions of values or follow an IFD chain round in a
 * circle), so the first IFD is read here with every offset checked, and UTIF is handed one
 * strip or tile at a time. LZW and PackBits data are checked before UTIF sees them, since
 * its LZW decoder loops for ever on a code that refers to itself, and both would otherwise
 * expand a small strip into any amount of work.
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
import UTIF from "utif2";
import { applyOrientation } from "./_orientation.ts";
import { ImageError } from "./errors.ts";
import type { GrayImage, RgbaImage } from "./image.ts";

const T = {
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

const NONE = 1, LZW = 5, DEFLATE = 8, ADOBE_DEFLATE = 32946, PACKBITS = 32773;
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
const WHITE_IS_ZERO = 0, BLACK_IS_ZERO = 1, RGB = 2, PALETTE = 3, SEPARATED = 5;
const ASSOCIATED_ALPHA = 1, UNASSOCIATED_ALPHA = 2;

/** Largest pixel buffer a decoder allocates; callers enforce their own, smaller limits. */
const MAX_BUFFER = 2 ** 30;

/** The first IFD: byte order and the values of the tags we use. */
interface Directory {
  little: boolean;
  tags: Map<number, number[]>;
}

function unreadable(message: string): ImageError {
  return new ImageError("unreadable", `TIFF: ${message}`);
}

function truncated(what: string, need: number, got: number): ImageError {
  return new ImageError(
    "unreadable",
    `truncated TIFF ${what}: expected at least ${need} bytes, got ${got}`,
  );
}

/**
 * Reads the first IFD. Only the tags this decoder uses are loaded; other tags, and tags
 * whose values would lie past the end of the file, are skipped, as libtiff skips them.
 */
function readDirectory(bytes: Uint8Array): Directory {
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

function first(dir: Directory, tag: number, fallback: number): number {
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
 * import { readTiffHeader } from "./_tiff.ts";
 * const t = new Uint8Array(8 + 2 + 2 * 12 + 4);
 * const v = new DataView(t.buffer);
 * t.set([0x49, 0x49, 42, 0, 8]); // "II", 42, first IFD at 8
 * v.setUint16(8, 2, true);
 * v.setUint16(10, 256, true), v.setUint16(12, 3, true), v.setUint32(14, 1, true);
 * v.setUint16(18, 61, true);
 * v.setUint16(22, 257, true), v.setUint16(24, 4, true), v.setUint32(26, 1, true);
 * v.setUint32(30, 48, true);
 * console.assert(JSON.stringify(readTiffHeader(t)) === '{"width":61,"height":48}');
 * ```
 */
export function readTiffHeader(bytes: Uint8Array): { width: number; height: number } {
  return dimensions(readDirectory(bytes));
}

/** What decoding needs from the IFD, checked. */
interface Layout {
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
  /** TileWidth, for tiled images. */
  tileWidth?: number;
  chunks: Chunk[];
}

/** One strip or tile: where it lies in the file and in the image. */
interface Chunk {
  offset: number;
  /** Stored bytes: StripByteCounts/TileByteCounts, or what the rows need if uncompressed. */
  count: number;
  plane: number;
  x: number;
  y: number;
  /** Pixels across the chunk (the image width for strips, TileWidth for tiles). */
  width: number;
  /** Rows decoded from it. */
  rows: number;
  /** Rows it may hold (a last strip is sometimes written full-height). */
  capacity: number;
}

function unsupported(message: string): ImageError {
  return new ImageError("unsupported", `TIFF: ${message}`);
}

function layout(dir: Directory, fileLength: number): Layout {
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
  const base = {
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
  };
  const tiled = dir.tags.has(T.tileWidth) || dir.tags.has(T.tileOffsets);
  return {
    ...base,
    tileWidth: tiled ? first(dir, T.tileWidth, 0) : undefined,
    chunks: chunks(dir, base, fileLength),
  };
}

/** Strip or tile positions, checked against the image and the file. */
function chunks(
  dir: Directory,
  img: Omit<Layout, "chunks" | "tileWidth">,
  fileLength: number,
): Chunk[] {
  const { width, height, planes } = img;
  const tiled = dir.tags.has(T.tileWidth) || dir.tags.has(T.tileOffsets);
  let across = 1, down: number, cw = width, ch: number;
  if (tiled) {
    cw = first(dir, T.tileWidth, 0);
    ch = first(dir, T.tileLength, 0);
    if (!(cw > 0 && ch > 0)) throw unreadable(`tiles of ${cw}x${ch}: expected both > 0`);
    // Tiles are padded to multiples of 16; anything far larger than the image is corrupt.
    if (cw * ch > 16 * Math.max(width * height, 65536)) {
      throw unreadable(`${cw}x${ch} tiles for a ${width}x${height} image`);
    }
    if ((cw * img.bps * (planes > 1 ? 1 : img.spp)) % 8 !== 0) {
      throw unsupported(`tiles of ${cw} pixels that do not end on a byte boundary`);
    }
    across = Math.ceil(width / cw);
    down = Math.ceil(height / ch);
  } else {
    const rps = first(dir, T.rowsPerStrip, height);
    ch = rps > 0 && rps < height ? rps : height;
    down = Math.ceil(height / ch);
  }
  const perPlane = across * down;
  const offsets = dir.tags.get(tiled ? T.tileOffsets : T.stripOffsets);
  const counts = dir.tags.get(tiled ? T.tileByteCounts : T.stripByteCounts);
  const what = tiled ? "TileOffsets (tag 324)" : "StripOffsets (tag 273)";
  if (!offsets || offsets.length < perPlane * planes) {
    throw unreadable(`${what} has ${offsets?.length ?? 0} entries, expected ${perPlane * planes}`);
  }
  if (!counts && img.compression !== NONE) {
    throw unreadable(`byte counts (tag ${tiled ? 325 : 279}) are missing`);
  }
  if (counts && counts.length < perPlane * planes) {
    throw unreadable(`${counts.length} byte counts for ${perPlane * planes} strips or tiles`);
  }
  const rowBytes = Math.ceil((cw * img.bps * (planes > 1 ? 1 : img.spp)) / 8);
  const out: Chunk[] = [];
  for (let plane = 0; plane < planes; plane++) {
    for (let i = 0; i < perPlane; i++) {
      const k = plane * perPlane + i;
      const x = (i % across) * cw, y = Math.floor(i / across) * ch;
      const rows = tiled ? ch : Math.min(ch, height - y);
      const offset = offsets[k]!;
      const count = img.compression === NONE ? rowBytes * rows : counts![k]!;
      if (offset + count > fileLength) {
        throw truncated(`strip or tile ${k}`, offset + count, fileLength);
      }
      out.push({ offset, count, plane, x, y, width: cw, rows, capacity: ch });
    }
  }
  return out;
}

/**
 * Bytes that UTIF's LZW decoder would produce from `file[off, off + len)`, mirroring its
 * code reading (MSB first, 9 to 12 bits, the code width growing one code early). Throws on
 * a code that is not yet defined (UTIF would follow stale or self-referring table entries
 * and may never stop) and once the output passes `limit`.
 */
function lzwLength(file: Uint8Array, off: number, len: number, limit: number): number {
  if (len >= 2 && file[off] === 0 && (file[off + 1]! & 1) === 1) {
    throw unsupported("old-style (pre-6.0) LZW");
  }
  const lengths = new Int32Array(4096).fill(1, 0, 258);
  let bit = off * 8, width = 9, next = 258, out = 0, previous = 0;
  const end = (off + len) * 8;
  const read = (): number => {
    const s = bit >>> 3;
    const word = ((file[s] ?? 0) << 16) | ((file[s + 1] ?? 0) << 8) | (file[s + 2] ?? 0);
    const code = (word >>> (24 - (bit & 7) - width)) & ((1 << width) - 1);
    bit += width;
    return code;
  };
  const grow = (prefix: number): number => {
    const n = lengths[prefix]! + 1;
    if (next < 4096) lengths[next] = n;
    next++;
    if (next + 1 === 1 << width && width !== 12) width++;
    return n;
  };
  while (bit < end) {
    let code = read();
    if (code === 257) break;
    if (code === 256) {
      width = 9;
      next = 258;
      code = read();
      if (code === 257) break;
      if (code >= 258) throw unreadable(`LZW code ${code} right after a clear code`);
      out += 1;
    } else if (code < next) {
      out += lengths[code]!;
      grow(previous);
    } else if (code === next) {
      out += grow(previous);
    } else {
      throw unreadable(`LZW code ${code} before code ${next} is defined`);
    }
    if (out > limit) throw unreadable(`LZW data expands past the ${limit} bytes of its strip`);
    previous = code;
  }
  return out;
}

/** Bytes that PackBits data `file[off, off + len)` expands to (UTIF's reading of it). */
function packBitsLength(file: Uint8Array, off: number, len: number, limit: number): number {
  let out = 0;
  for (let at = off, end = off + len; at < end;) {
    const n = (file[at++]! << 24) >> 24;
    if (n >= 0) {
      out += n + 1;
      at += n + 1;
    } else if (n !== -128) {
      out += 1 - n;
      at++;
    }
    if (out > limit) throw unreadable(`PackBits data expands past the ${limit} bytes of its strip`);
  }
  return out;
}

/** The slice of UTIF's untyped IFD objects that decodeImage reads and fills in. */
type UtifIfd = Parameters<typeof UTIF.decodeImage>[1];

/**
 * Checks that an LZW or PackBits strip or tile expands to the bytes its rows need, and not
 * to far more. Deflate is left to pako unchecked: as with a PNG's IDAT, a small strip can
 * inflate to far more than its rows need before the excess is dropped.
 */
function checkChunk(file: Uint8Array, img: Layout, chunk: Chunk, samples: number): void {
  const rowBytes = Math.ceil((chunk.width * img.bps * samples) / 8);
  const need = rowBytes * chunk.rows;
  const limit = rowBytes * chunk.capacity + 4096;
  const { offset, count } = chunk;
  const got = img.compression === LZW
    ? lzwLength(file, offset, count, limit)
    : img.compression === PACKBITS
    ? packBitsLength(file, offset, count, limit)
    : need;
  if (got < need) {
    throw unreadable(`strip or tile at byte ${offset} decodes to ${got} bytes, expected ${need}`);
  }
}

/**
 * Decompresses one strip or tile (checked by {@link checkChunk}) through UTIF: its rows,
 * predictor undone, 16-bit samples little-endian.
 */
function decodeChunk(
  buffer: ArrayBuffer,
  img: Layout,
  chunk: Chunk,
  samples: number,
): Uint8Array {
  const need = Math.ceil((chunk.width * img.bps * samples) / 8) * chunk.rows;
  const { offset, count } = chunk;
  const ifd: Record<string, unknown> = {
    t256: [chunk.width],
    t257: [chunk.rows],
    t258: [img.bps],
    t259: [img.compression],
    t262: [img.photometric],
    t273: [offset],
    t277: [samples],
    t278: [chunk.rows],
    t279: [count],
    t317: [img.predictor],
  };
  UTIF.decodeImage(buffer, ifd as unknown as UtifIfd);
  const data = ifd.data;
  if (!(data instanceof Uint8Array) || data.length < need) {
    throw unreadable(`strip or tile at byte ${offset} decodes to too few bytes, expected ${need}`);
  }
  return data;
}

const REVERSED = new Uint8Array(256).map((_, b) => {
  let r = 0;
  for (let i = 0; i < 8; i++) r |= ((b >> i) & 1) << (7 - i);
  return r;
});

/** The stored samples, chunky (interleaved), rows of `rowBytes`, 16-bit little-endian. */
function readSamples(bytes: Uint8Array, img: Layout, fillOrder: number): {
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
      for (const c of img.chunks) {
        // From the original, so that strips sharing bytes are not reversed twice.
        for (let i = c.offset; i < c.offset + c.count; i++) file[i] = REVERSED[bytes[i]!]!;
      }
    }
  }
  const buffer = file.buffer as ArrayBuffer;
  const samples = planes > 1 ? 1 : spp;
  for (const chunk of img.chunks) checkChunk(file, img, chunk, samples);
  const planeRow = Math.ceil((width * bps * samples) / 8);
  const planeData = Array.from({ length: planes }, () => new Uint8Array(planeRow * height));
  for (const chunk of img.chunks) {
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
function decodeWith<T extends { width: number; height: number; data: Uint8Array }>(
  bytes: Uint8Array,
  channels: 1 | 4,
  convert: (img: Layout, raw: Uint8Array, rowBytes: number, out: Uint8Array) => void,
): T {
  const dir = readDirectory(bytes);
  const img = layout(dir, bytes.length);
  let out: Uint8Array;
  try {
    const { raw, rowBytes } = readSamples(bytes, img, first(dir, T.fillOrder, 1));
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
  const stored = { width: img.width, height: img.height, data: out } as T;
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
