/**
 * WebP to RGBA through libwebp compiled to WASM (@jsquash/webp, from Squoosh).
 *
 * Why not its `decode()`: that is async and fetches the .wasm by URL. We read the .wasm
 * bytes from the npm package ourselves and instantiate synchronously, which keeps
 * `decodeImage` synchronous and works offline and inside `deno compile` binaries.
 * @module
 */
import factory from "@jsquash/webp/codec/dec/webp_dec.js";
import type { RgbaImage } from "./image.ts";

interface WebpModule {
  decode(data: Uint8Array): { width: number; height: number; data: Uint8ClampedArray } | null;
}

let module: WebpModule | undefined;

function load(): WebpModule {
  const url = new URL(import.meta.resolve("@jsquash/webp/codec/dec/webp_dec.wasm"));
  const wasm = new WebAssembly.Module(Deno.readFileSync(url));
  // Emscripten attaches the embind exports to the object it is given; with a synchronous
  // instantiateWasm the runtime is ready before the factory returns.
  const target: Record<string, unknown> = {
    noInitialRun: true,
    instantiateWasm(
      imports: WebAssembly.Imports,
      receive: (instance: WebAssembly.Instance) => void,
    ) {
      const instance = new WebAssembly.Instance(wasm, imports);
      receive(instance);
      return instance.exports;
    },
  };
  void (factory as unknown as (m: Record<string, unknown>) => unknown)(target);
  if (typeof target.decode !== "function") {
    throw new Error("libwebp WASM did not initialise synchronously: expected a decode export");
  }
  return target as unknown as WebpModule;
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
