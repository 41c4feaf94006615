/**
 * Detection layer: finds faces (YuNet, with landmarks, by default; or the Haar cascade's
 * boxes), aligns them by their landmarks, plus the ground-truth tooling used to measure it.
 * @module
 */
export * from "./align.ts";
export * from "./annotations.ts";
export * from "./face.ts";
export * from "./haar.ts";
export * from "./similarity.ts";
export * from "./yunet.ts";
