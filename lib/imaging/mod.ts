/**
 * Imaging layer: safe decoding of untrusted image bytes, greyscale conversion, face-crop
 * normalisation, annotation and encoding. OpenCV Mats stay inside; callers see typed arrays.
 * @module
 */
export * from "./annotate.ts";
export * from "./crop.ts";
export * from "./decode.ts";
export * from "./encode.ts";
export * from "./errors.ts";
export * from "./gray.ts";
export * from "./image.ts";
export * from "./mat_scope.ts";
export * from "./probe.ts";
/** The OpenCV.js module type that `annotate`, `cropAndResize` and `resizeGray` take. */
export type { CV } from "../../wasm/opencv.ts";
