/**
 * WebP to RGBA through libwebp compiled to WASM (@jsquash/webp, from Squoosh).
 * Started synchronously (see _emscripten_sync.ts for why not the package's `decode()`).
 * @module
 */
import factory from "@jsquash/webp/codec/dec/webp_dec.js";
import type { RgbaImage } from "./image.ts";
import { compileWasm, instantiateSync } from "./_emscripten_sync.ts";

interface WebpModule {
  decode(data: Uint8Array): { width: number; height: number; data: Uint8ClampedArray } | null;
}

let module: WebpModule | undefined;

function load(): WebpModule {
  const url = new URL(import.meta.resolve("@jsquash/webp/codec/dec/webp_dec.wasm"));
  return instantiateSync<WebpModule>(factory, compileWasm(url), "libwebp");
}

/** Decodes a still WebP (lossy, lossless, with or without alpha) to RGBA. */
export function decodeWebpRgba(bytes: Uint8Array): RgbaImage {
  module ??= load();
  const img = module.decode(bytes);
  if (!img) throw new Error("libwebp rejected the bitstream");
  return {
    width: img.width,
    height: img.height,
    data: new Uint8Array(img.data.buffer, img.data.byteOffset, img.data.byteLength),
  };
}
