/**
 * Header readers for every container we accept. They look only at the first bytes (the
 * JPEG walk skips segment bodies by their length), so size limits can be enforced before
 * a decoder allocates anything.
 *
 * Specs: PNG (ISO/IEC 15948, IHDR), JPEG (ITU-T T.81, B.1.1 markers and B.2.2 frame
 * header), GIF89a (logical screen descriptor), WebP container (RFC 9649), Netpbm
 * (netpbm.sourceforge.net/doc/pgm.html and ppm.html); BMP and TIFF headers are read by
 * `_bmp.ts` and `_tiff.ts`.
 * @module
 */
import { ImageError } from "./errors.ts";
import type { ImageFormat } from "./image.ts";
import { readBmpHeader } from "./_bmp.ts";
import { readTiffHeader } from "./_tiff.ts";

/** What the header says, plus details only the decoder needs. */
export interface Header {
  format: ImageFormat;
  width: number;
  height: number;
  /** WebP with an ANIM chunk flag (we decode still images only). */
  animated: boolean;
  /**
   * JPEG whose first component is luma (greyscale, or three components that libjpeg takes
   * for YCbCr), so grey can be read straight from it, as libjpeg does for
   * `cv2.imread(path, IMREAD_GRAYSCALE)`.
   */
  jpegLuma?: boolean;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, prefix: readonly number[], at = 0): boolean {
  if (bytes.length < at + prefix.length) return false;
  return prefix.every((b, i) => bytes[at + i] === b);
}

function ascii(text: string): number[] {
  return [...text].map((c) => c.charCodeAt(0));
}

function u16be(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}
function u16le(b: Uint8Array, at: number): number {
  return (b[at] ?? 0) | ((b[at + 1] ?? 0) << 8);
}
function u24le(b: Uint8Array, at: number): number {
  return u16le(b, at) | ((b[at + 2] ?? 0) << 16);
}
function u32be(b: Uint8Array, at: number): number {
  return u16be(b, at) * 0x10000 + u16be(b, at + 2);
}

function truncated(format: string, need: number, got: number): ImageError {
  return new ImageError(
    "unreadable",
    `truncated ${format} header: expected at least ${need} bytes, got ${got}`,
  );
}

function checked(header: Header): Header {
  const { width, height, format } = header;
  if (!(width > 0 && height > 0)) {
    throw new ImageError(
      "unreadable",
      `${format} header declares ${width}x${height}: expected both dimensions > 0`,
    );
  }
  return header;
}

function readPng(b: Uint8Array): Header {
  if (b.length < 24) throw truncated("PNG", 24, b.length);
  if (!startsWith(b, ascii("IHDR"), 12)) {
    throw new ImageError("unreadable", "PNG: expected the IHDR chunk first, got another chunk");
  }
  return checked({ format: "png", width: u32be(b, 16), height: u32be(b, 20), animated: false });
}

// SOF markers whose process jpeg-js implements: baseline, extended and progressive Huffman.
const JPEG_DECODABLE_SOF = new Set([0xc0, 0xc1, 0xc2]);
// All other SOFn (C4 is DHT, C8 is JPG, CC is DAC: not frames).
const JPEG_OTHER_SOF = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);

function readJpeg(b: Uint8Array): Header {
  let at = 2;
  let jfif = false;
  let adobeTransform: number | undefined;
  while (true) {
    // Markers may be preceded by any number of 0xFF fill bytes (T.81 B.1.1.2).
    if (at >= b.length) throw truncated("JPEG", at + 1, b.length);
    if (b[at] !== 0xff) {
      throw new ImageError(
        "unreadable",
        `JPEG: expected a marker (0xFF) at byte ${at}, got 0x${(b[at] ?? 0).toString(16)}`,
      );
    }
    while (b[at] === 0xff) at++;
    if (at >= b.length) throw truncated("JPEG", at + 1, b.length);
    const marker = b[at++] ?? 0;
    // Standalone markers carry no length: TEM, RSTn.
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) continue;
    if (marker === 0xd9 || marker === 0xda) {
      throw new ImageError("unreadable", "JPEG: expected a frame header (SOFn) before scan data");
    }
    if (at + 2 > b.length) throw truncated("JPEG", at + 2, b.length);
    const length = u16be(b, at);
    if (length < 2) {
      throw new ImageError(
        "unreadable",
        `JPEG: segment length ${length} at byte ${at}, expected >= 2`,
      );
    }
    if (JPEG_DECODABLE_SOF.has(marker) || JPEG_OTHER_SOF.has(marker)) {
      if (at + 7 > b.length) throw truncated("JPEG", at + 7, b.length);
      if (!JPEG_DECODABLE_SOF.has(marker)) {
        throw new ImageError(
          "unsupported",
          `JPEG process SOF${
            marker - 0xc0
          } is not supported: expected baseline or progressive (SOF0-2)`,
        );
      }
      const height = u16be(b, at + 3);
      if (height === 0) {
        throw new ImageError(
          "unsupported",
          "JPEG: height defined by a DNL marker is not supported",
        );
      }
      const components = b[at + 7] ?? 0;
      const ids = [...b.subarray(at + 8, at + 8 + 3 * components)].filter((_, i) => i % 3 === 0);
      // libjpeg's colour-space guess (jdapimin.c default_decompress_parms): JFIF means
      // YCbCr, then an Adobe transform of 0 means RGB, then component ids "R","G","B" do.
      const rgb = !jfif &&
        (adobeTransform !== undefined ? adobeTransform === 0 : ids.join() === "82,71,66");
      const jpegLuma = components === 1 || (components === 3 && !rgb);
      return checked({
        format: "jpeg",
        width: u16be(b, at + 5),
        height,
        animated: false,
        jpegLuma,
      });
    }
    if (marker === 0xe0 && startsWith(b, [...ascii("JFIF"), 0], at + 2)) jfif = true;
    if (marker === 0xee && length >= 14 && startsWith(b, ascii("Adobe"), at + 2)) {
      adobeTransform = b[at + 13] ?? 0;
    }
    at += length;
  }
}

function readGif(b: Uint8Array): Header {
  if (b.length < 10) throw truncated("GIF", 10, b.length);
  return checked({ format: "gif", width: u16le(b, 6), height: u16le(b, 8), animated: false });
}

function readWebp(b: Uint8Array): Header {
  if (b.length < 30) throw truncated("WebP", 30, b.length);
  const chunk = String.fromCharCode(...b.subarray(12, 16));
  switch (chunk) {
    case "VP8 ": {
      if (!startsWith(b, [0x9d, 0x01, 0x2a], 23)) {
        throw new ImageError("unreadable", "WebP VP8: expected start code 9d 01 2a at byte 23");
      }
      return checked({
        format: "webp",
        width: u16le(b, 26) & 0x3fff,
        height: u16le(b, 28) & 0x3fff,
        animated: false,
      });
    }
    case "VP8L": {
      if (b[20] !== 0x2f) {
        throw new ImageError("unreadable", `WebP VP8L: expected signature 0x2f, got ${b[20]}`);
      }
      const bits = (b[21] ?? 0) | ((b[22] ?? 0) << 8) | ((b[23] ?? 0) << 16) |
        ((b[24] ?? 0) << 24);
      return checked({
        format: "webp",
        width: (bits & 0x3fff) + 1,
        height: ((bits >>> 14) & 0x3fff) + 1,
        animated: false,
      });
    }
    case "VP8X":
      return checked({
        format: "webp",
        width: u24le(b, 24) + 1,
        height: u24le(b, 27) + 1,
        animated: ((b[20] ?? 0) & 0x02) !== 0,
      });
    default:
      throw new ImageError(
        "unreadable",
        `WebP: expected a VP8, VP8L or VP8X chunk, got ${JSON.stringify(chunk)}`,
      );
  }
}

/** Netpbm header tokens: magic, width, height and (except P1/P4) maxval. */
export interface PnmHeader {
  magic: "P2" | "P3" | "P5" | "P6";
  width: number;
  height: number;
  maxval: number;
  /** Offset of the first raster byte. */
  dataOffset: number;
}

function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0b || c === 0x0c;
}

/** Reads a Netpbm header (comments allowed anywhere between tokens). */
export function readPnmHeader(b: Uint8Array): PnmHeader {
  const magic = String.fromCharCode(b[0] ?? 0, b[1] ?? 0);
  if (magic === "P1" || magic === "P4" || magic === "P7") {
    throw new ImageError(
      "unsupported",
      `Netpbm ${magic}: expected greymap or pixmap (P2/P3/P5/P6)`,
    );
  }
  if (magic !== "P2" && magic !== "P3" && magic !== "P5" && magic !== "P6") {
    throw new ImageError("unreadable", `Netpbm: expected magic P2/P3/P5/P6, got ${magic}`);
  }
  let at = 2;
  const numbers: number[] = [];
  while (numbers.length < 3) {
    // A header never needs more than a few hundred bytes; bound the scan so a file of
    // comments cannot keep us busy.
    if (at >= b.length || at > 4096) throw truncated("Netpbm", at + 1, b.length);
    const c = b[at];
    if (isSpace(c)) {
      at++;
    } else if (c === 0x23) {
      while (at < b.length && b[at] !== 0x0a && b[at] !== 0x0d) at++;
    } else if (c !== undefined && c >= 0x30 && c <= 0x39) {
      let n = 0;
      while (at < b.length && (b[at] ?? 0) >= 0x30 && (b[at] ?? 0) <= 0x39) {
        n = n * 10 + ((b[at] ?? 0) - 0x30);
        if (n > 0xffffff) {
          throw new ImageError("unreadable", `Netpbm: header number too large at byte ${at}`);
        }
        at++;
      }
      numbers.push(n);
    } else {
      throw new ImageError(
        "unreadable",
        `Netpbm: expected a decimal number at byte ${at}, got ${c}`,
      );
    }
  }
  const [width = 0, height = 0, maxval = 0] = numbers;
  if (maxval < 1 || maxval > 65535) {
    throw new ImageError("unreadable", `Netpbm: expected maxval in 1..65535, got ${maxval}`);
  }
  // Exactly one whitespace byte separates the header from a binary raster.
  if (!isSpace(b[at])) throw truncated("Netpbm", at + 1, b.length);
  return { magic, width, height, maxval, dataOffset: at + 1 };
}

/**
 * Identifies the container by its magic bytes and reads the declared size.
 * Throws ImageError "unreadable" (not an image, truncated header) or "unsupported".
 */
export function readHeader(bytes: Uint8Array): Header {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError(`expected image bytes as a Uint8Array, got ${typeof bytes}`);
  }
  if (bytes.length === 0) throw new ImageError("unreadable", "expected an image, got 0 bytes");
  if (startsWith(bytes, PNG_SIGNATURE)) return readPng(bytes);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return readJpeg(bytes);
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) {
    return readGif(bytes);
  }
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) {
    return readWebp(bytes);
  }
  if (startsWith(bytes, ascii("BM"))) {
    return checked({ format: "bmp", ...readBmpHeader(bytes), animated: false });
  }
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0]) || startsWith(bytes, [0x4d, 0x4d, 0, 0x2a])) {
    return checked({ format: "tiff", ...readTiffHeader(bytes), animated: false });
  }
  if (bytes[0] === 0x50 && (bytes[1] ?? 0) >= 0x31 && (bytes[1] ?? 0) <= 0x37) {
    const h = readPnmHeader(bytes);
    return checked({ format: "pnm", width: h.width, height: h.height, animated: false });
  }
  const head = [...bytes.subarray(0, 4)].map((x) => x.toString(16).padStart(2, "0")).join(" ");
  throw new ImageError(
    "unreadable",
    `expected a JPEG, PNG, WebP, GIF, PGM/PPM, BMP or TIFF signature, got bytes ${head}`,
  );
}
