/**
 * Detection layer: finds faces (YuNet with landmarks, or the Haar cascade), aligns them, and
 * the ground-truth tooling used to measure it.
 * @module
 */
export * from "./annotations.ts";
export * from "./face.ts";
export * from "./haar.ts";
export * from "./yunet.ts";
export * from "./similarity.ts";
export * from "./align.ts";
