/**
 * JPEG to RGBA. libjpeg (mozjpeg, compiled to WASM by Squoosh and packaged as
 * @jsquash/jpeg) decodes colour JPEGs about 6x faster than jpeg-js: a 24 MP phone photo took
 * 1.8 s against 10.7 s on a loaded machine (2.9 s for jpeg-js when idle). jpeg-js remains
 * for what libjpeg declines here (CMYK/YCCK, which it cannot convert to RGBA; an error) and
 * for files without an end-of-image marker, which libjpeg would pad with grey where jpeg-js
 * refuses them (a cut-off upload must be an error, not a half-grey image that detection then
 * runs on). Pixels come out in stored order; decode.ts applies the EXIF orientation.
 * @module
 */
import factory from "@jsquash/jpeg/codec/dec/mozjpeg_dec.js";
import jpeg from "jpeg-js";
import type { GrayImage, RgbaImage } from "./image.ts";
import { decodeJpegLumaExact } from "./_jpeg_luma.ts";
import { compileWasm, instantiateSync } from "./_emscripten_sync.ts";

interface MozjpegModule {
  decode(
    data: Uint8Array,
    preserveOrientation: boolean,
  ): { width: number; height: number; data: Uint8ClampedArray } | null;
}

let compiled: WebAssembly.Module | undefined;
let cached: MozjpegModule | undefined;

/**
 * Above this many pixels a photo is decoded in a throwaway libjpeg instance: a WASM heap
 * never shrinks, and one 24 MP decode would otherwise keep about 200 MB for good.
 */
const THROWAWAY_ABOVE_PIXELS = 4_000_000;

/** A synchronously instantiated decoder (see _emscripten_sync.ts). */
function instantiate(): MozjpegModule {
  compiled ??= compileWasm(
    new URL(import.meta.resolve("@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm")),
  );
  // libjpeg's warnings ("Corrupt JPEG data: ...") would go to stderr for every such photo.
  return instantiateSync<MozjpegModule>(factory, compiled, "mozjpeg", { printErr: () => {} });
}

/** True when the file ends with an EOI marker (trailing padding of a few bytes allowed). */
function hasEndMarker(bytes: Uint8Array): boolean {
  for (let i = bytes.length - 2; i >= Math.max(0, bytes.length - 64); i--) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0xd9) return true;
  }
  return false;
}

/** Decodes through libjpeg; undefined when it declines the file. */
function decodeWithLibjpeg(bytes: Uint8Array, pixels: number): RgbaImage | undefined {
  if (!hasEndMarker(bytes)) return undefined;
  let decoder: MozjpegModule;
  if (pixels > THROWAWAY_ABOVE_PIXELS) decoder = instantiate();
  else decoder = cached ??= instantiate();
  let img;
  try {
    img = decoder.decode(bytes, false);
  } catch {
    // libjpeg's error exit (e.g. "Unsupported color conversion request" for CMYK) throws.
    return undefined;
  }
  if (!img || img.width * img.height * 4 !== img.data.length) return undefined;
  return {
    width: img.width,
    height: img.height,
    data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength),
  };
}

/**
 * Decodes a JPEG file to RGBA. Limits are enforced by the caller before this runs; `pixels`
 * is the size its header declares.
 */
export function decodeJpegRgba(bytes: Uint8Array, maxPixels: number, pixels = 0): RgbaImage {
  const fast = decodeWithLibjpeg(bytes, pixels);
  if (fast) return fast;
  const img = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: true,
    // A cut-off scan must be an error, not a half-grey image that detection then runs on.
    tolerantDecoding: false,
    maxResolutionInMP: Math.max(1, maxPixels / 1e6),
    maxMemoryUsageInMB: 1024,
  });
  return { width: img.width, height: img.height, data: img.data };
}

/**
 * Decodes only the luma of a YCbCr or greyscale JPEG (no colour conversion), as libjpeg's
 * greyscale output does for `cv2.imread(path, IMREAD_GRAYSCALE)`: bit-exact through our own
 * decoder ({@link decodeJpegLumaExact}); for the few codings it declines (arithmetic, luma
 * subsampled, missing Huffman tables...), through jpeg-js, within 1 grey level.
 */
export function decodeJpegLuma(bytes: Uint8Array, maxPixels: number): GrayImage {
  const exact = decodeJpegLumaExact(bytes, maxPixels);
  if (exact !== undefined) return exact;
  const img = jpeg.decode(bytes, {
    useTArray: true,
    formatAsRGBA: false,
    colorTransform: false,
    tolerantDecoding: false,
    maxResolutionInMP: Math.max(1, maxPixels / 1e6),
    maxMemoryUsageInMB: 1024,
  });
  const n = img.width * img.height;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = img.data[i * 3]!;
  return { width: img.width, height: img.height, data: out };
}
