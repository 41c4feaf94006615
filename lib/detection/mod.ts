/**
 * Detection layer: finds face boxes in grey images, plus the ground-truth tooling used to
 * measure it.
 * @module
 */
export * from "./annotations.ts";
export * from "./haar.ts";
