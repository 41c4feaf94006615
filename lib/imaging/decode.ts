/**
 * Bytes to pixels, safely: the header is probed and the size checked against limits before
 * any decoder allocates, and every decoder failure becomes an {@link ImageError}.
 * @module
 */
import { decodeGifRgba } from "./_gif.ts";
import { type Header, readHeader } from "./_header.ts";
import { decodeJpegLuma, decodeJpegRgba } from "./_jpeg.ts";
import { decodePngRgba } from "./_png.ts";
import { decodePnm } from "./_pnm.ts";
import { decodeWebpRgba } from "./_webp.ts";
import { decodeBmpGray, decodeBmpRgba } from "./_bmp.ts";
import { decodeTiffGray, decodeTiffRgba } from "./_tiff.ts";
import { pilGray, pngGray, readPngGamma } from "./_reader_gray.ts";
import { applyOrientation, readOrientation } from "./_orientation.ts";
import { ImageError } from "./errors.ts";
import { toGray } from "./gray.ts";
import type { GrayImage, ImageFormat, RgbaImage } from "./image.ts";

/** Size caps applied to the declared header size before decoding. */
export interface DecodeLimits {
  /** Widest accepted image, in pixels. */
  maxWidth?: number;
  /** Tallest accepted image, in pixels. */
  maxHeight?: number;
  /** Largest accepted width x height. */
  maxPixels?: number;
}

/** Defaults: 8192 x 8192 and 40 megapixels (an RGBA buffer of at most 160 MB). */
export const DEFAULT_DECODE_LIMITS: Readonly<Required<DecodeLimits>> = Object.freeze({
  maxWidth: 8192,
  maxHeight: 8192,
  maxPixels: 40e6,
});

/** A decoded image and the container it came from. */
export interface DecodedImage extends RgbaImage {
  /** The container the bytes were in. */
  readonly format: ImageFormat;
}

function resolveLimits(limits: DecodeLimits): Required<DecodeLimits> {
  const merged = { ...DEFAULT_DECODE_LIMITS, ...limits };
  for (const [key, value] of Object.entries(merged)) {
    if (!(Number.isFinite(value) && value > 0)) {
      throw new RangeError(`expected limits.${key} to be a positive number, got ${value}`);
    }
  }
  return merged;
}

function checkSize(header: Header, limits: DecodeLimits): Required<DecodeLimits> {
  const max = resolveLimits(limits);
  const { width, height, format } = header;
  if (width > max.maxWidth || height > max.maxHeight || width * height > max.maxPixels) {
    throw new ImageError(
      "too_large",
      `${format} image is ${width}x${height} (${width * height} pixels): expected at most ` +
        `${max.maxWidth}x${max.maxHeight} and ${max.maxPixels} pixels`,
    );
  }
  return max;
}

function decodeRgba(bytes: Uint8Array, header: Header, maxPixels: number): RgbaImage {
  switch (header.format) {
    case "jpeg":
      return decodeJpegRgba(bytes, maxPixels, header.width * header.height);
    case "png":
      return decodePngRgba(bytes);
    case "gif":
      return decodeGifRgba(bytes);
    case "webp":
      return decodeWebpRgba(bytes);
    case "pnm":
      return pnmToRgba(bytes);
    case "bmp":
      return decodeBmpRgba(bytes);
    case "tiff":
      return decodeTiffRgba(bytes);
  }
}

/**
 * A decoder must deliver the size the header declared (the limits were checked on it). The
 * TIFF decoder applies the file's orientation itself, so 5-8 arrive transposed.
 */
function checkDecodedSize(header: Header, img: GrayImage | RgbaImage, channels: number): void {
  const { width, height, data } = img;
  const declared = width === header.width && height === header.height;
  const turned = header.format === "tiff" && width === header.height && height === header.width;
  if ((declared || turned) && data.length === width * height * channels) return;
  throw new ImageError(
    "unreadable",
    `${header.format} decoded to ${width}x${height}, expected the ` +
      `${header.width}x${header.height} its header declares`,
  );
}

function pnmToRgba(bytes: Uint8Array): RgbaImage {
  const { width, height, channels, data } = decodePnm(bytes);
  const n = width * height;
  const out = new Uint8Array(n * 4);
  for (let i = 0; i < n; i++) {
    const s = i * channels;
    const step = channels === 3 ? 1 : 0; // greymaps repeat their one sample
    out[i * 4] = data[s]!;
    out[i * 4 + 1] = data[s + step]!;
    out[i * 4 + 2] = data[s + 2 * step]!;
    out[i * 4 + 3] = 255;
  }
  return { width, height, data: out };
}

/**
 * Decodes a JPEG, PNG, WebP (still), GIF (first frame), binary/ASCII PGM/PPM, BMP or TIFF
 * (first page) to 8-bit
 * RGBA. The declared size is checked against `limits` before any pixel is decoded. JPEGs
 * and PNGs are turned upright by their EXIF orientation, as `cv2.imread` does.
 *
 * @throws {ImageError} `unreadable` (empty, truncated, corrupt or not an image),
 * `unsupported` (e.g. animated WebP, lossless JPEG), or `too_large`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeImage } from "./decode.ts";
 * const pgm = new TextEncoder().encode("P2 2 1 255 0 255\n");
 * const img = decodeImage(pgm);
 * assert.equal(img.format, "pnm");
 * assert.equal(img.width, 2);
 * assert.equal(img.data[4], 255);
 * assert.equal(img.data[7], 255);
 * ```
 */
export function decodeImage(bytes: Uint8Array, limits: DecodeLimits = {}): DecodedImage {
  const header = readHeader(bytes);
  const max = checkSize(header, limits);
  if (header.animated) {
    throw new ImageError("unsupported", "animated WebP: expected a still image");
  }
  let img: RgbaImage;
  try {
    img = decodeRgba(bytes, header, max.maxPixels);
  } catch (e) {
    if (e instanceof ImageError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new ImageError("unreadable", `corrupt ${header.format} data: ${why}`, { cause: e });
  }
  checkDecodedSize(header, img, 4);
  const upright = applyOrientation(img, readOrientation(bytes, header.format), 4);
  return {
    format: header.format,
    width: upright.width,
    height: upright.height,
    data: upright.data,
  };
}

/**
 * Decodes straight to 8-bit grey, as `cv2.imread(path, IMREAD_GRAYSCALE)` would. Greymaps
 * (P2/P5) are read directly; YCbCr and greyscale JPEGs yield their luma channel without
 * colour conversion (libjpeg's behaviour); colour PNGs are converted as libpng does for
 * OpenCV (gamma included) and GIFs as PIL does (cv2 cannot read GIF; the native tool falls
 * back to PIL); everything else is decoded to RGBA, then converted with {@link toGray}
 * (OpenCV's RGB2GRAY weights).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeGray } from "./decode.ts";
 * const g = decodeGray(new TextEncoder().encode("P2 2 1 15 0 15\n"));
 * assert.deepEqual([...g.data], [0, 255]);
 * ```
 */
export function decodeGray(bytes: Uint8Array, limits: DecodeLimits = {}): GrayImage {
  const header = readHeader(bytes);
  const max = checkSize(header, limits);
  let gray: GrayImage | undefined;
  try {
    if (header.format === "pnm" && (bytes[1] === 0x32 || bytes[1] === 0x35)) {
      const { width, height, data } = decodePnm(bytes);
      gray = { width, height, data };
    } else if (header.jpegLuma) {
      gray = decodeJpegLuma(bytes, max.maxPixels);
    } else if (header.format === "png") {
      gray = pngGray(decodePngRgba(bytes), readPngGamma(bytes));
    } else if (header.format === "gif") {
      gray = pilGray(decodeGifRgba(bytes));
    } else if (header.format === "bmp") {
      gray = decodeBmpGray(bytes); // cv2's own (14-bit) weights
    } else if (header.format === "tiff") {
      gray = decodeTiffGray(bytes); // as libtiff hands it to cv2, upright
    }
  } catch (e) {
    if (e instanceof ImageError) throw e;
    const why = e instanceof Error ? e.message : String(e);
    throw new ImageError("unreadable", `corrupt ${header.format} data: ${why}`, { cause: e });
  }
  if (!gray) return toGray(decodeImage(bytes, limits)); // already upright
  checkDecodedSize(header, gray, 1);
  return applyOrientation(gray, readOrientation(bytes, header.format), 1);
}
