/**
 * The strips and tiles of a TIFF's first image: where each lies, checks that hostile data
 * cannot stall or flood the decompressor, and decompression itself through UTIF (npm utif2).
 *
 * Spec: TIFF 6.0 (Adobe, 1992): sections 3 (strips: StripOffsets, RowsPerStrip,
 * StripByteCounts), 9 (PackBits), 13 (LZW), 14 (horizontal differencing predictor) and 15
 * (tiles); Adobe Deflate per the Adobe PageMaker 6.0 TIFF Technical Notes.
 *
 * Decompression (none, LZW, Deflate, PackBits), the predictor and 16-bit byte order are
 * left to UTIF, which is handed one strip or tile at a time with a directory built here
 * (see `_tiff_directory.ts` for why its own IFD walker is not used). LZW and PackBits data
 * are checked before UTIF sees them, since its LZW decoder loops for ever on a code that
 * refers to itself, and both would otherwise expand a small strip into any amount of work.
 * @module
 */
import UTIF from "utif2";
import { checkInflatedSize } from "./_inflate_guard.ts";
import {
  ADOBE_DEFLATE,
  DEFLATE,
  type Directory,
  first,
  type Layout,
  LZW,
  NONE,
  PACKBITS,
  T,
  truncated,
  unreadable,
  unsupported,
} from "./_tiff_directory.ts";

/** One strip or tile: where it lies in the file and in the image. */
export interface Chunk {
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

/** Strip or tile positions, checked against the image and the file. */
export function chunks(dir: Directory, img: Layout, fileLength: number): Chunk[] {
  const { width, height, planes } = img;
  const tiled = img.tileWidth !== undefined;
  let across = 1, down: number, cw = width, ch: number;
  if (tiled) {
    cw = img.tileWidth!;
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

/**
 * Checks that an LZW or PackBits strip or tile expands to the bytes its rows need, and not
 * to far more; a Deflate one is inflated under a cap first (pako, inside UTIF, would inflate
 * a bomb whole before the excess is dropped).
 */
export function checkChunk(file: Uint8Array, img: Layout, chunk: Chunk, samples: number): void {
  const rowBytes = Math.ceil((chunk.width * img.bps * samples) / 8);
  const need = rowBytes * chunk.rows;
  const limit = rowBytes * chunk.capacity + 4096;
  const { offset, count } = chunk;
  if (img.compression === DEFLATE || img.compression === ADOBE_DEFLATE) {
    checkInflatedSize(file.subarray(offset, offset + count), 2 * limit, "TIFF Deflate data");
  }
  const got = img.compression === LZW
    ? lzwLength(file, offset, count, limit)
    : img.compression === PACKBITS
    ? packBitsLength(file, offset, count, limit)
    : need;
  if (got < need) {
    throw unreadable(`strip or tile at byte ${offset} decodes to ${got} bytes, expected ${need}`);
  }
}

/** The slice of UTIF's untyped IFD objects that decodeImage reads and fills in. */
type UtifIfd = Parameters<typeof UTIF.decodeImage>[1];

/**
 * Decompresses one strip or tile (checked by {@link checkChunk}) through UTIF: its rows,
 * predictor undone, 16-bit samples little-endian.
 */
export function decodeChunk(
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
