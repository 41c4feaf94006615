/**
 * Caps that bound what a peer can make the codec allocate or walk.
 *
 * @module
 */

/** Every cap of the codec. */
export interface Limits {
  /** Largest frame body, in bytes. Checked against the header before anything is allocated. */
  maxBodyBytes: number;
  /** Most fields in one container, the frame body included. */
  maxFieldsPerContainer: number;
  /** Deepest nesting: body fields are at depth 1, the fields of a container at depth n+1. */
  maxDepth: number;
  /** Longest string value, in UTF-8 bytes. */
  maxStringBytes: number;
}

/** Caps of the codec; any omitted one takes its value from {@link DEFAULT_LIMITS}. */
export type CodecOptions = Partial<Limits>;

/** The default caps, also documented in docs/PROTOCOL.md. */
export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxBodyBytes: 64 * 1024 * 1024,
  maxFieldsPerContainer: 1024,
  maxDepth: 4,
  maxStringBytes: 4096,
});

/** The body length field is a u32, so no cap can go beyond it. */
const U32_MAX = 0xffff_ffff;

/**
 * Fills in defaults and checks the caps are usable.
 *
 * @throws {RangeError} when a cap is not a non-negative integer, or the body cap exceeds 2^32-1.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { resolveLimits } from "./limits.ts";
 *
 * assert.equal(resolveLimits({ maxDepth: 2 }).maxStringBytes, 4096);
 * ```
 */
export function resolveLimits(options: CodecOptions = {}): Limits {
  const limits: Limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof Limits)[]) {
    const value = options[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value < 0 || value > U32_MAX) {
      throw new RangeError(`${key} must be an integer in 0..${U32_MAX}, got ${value}`);
    }
    limits[key] = value;
  }
  return limits;
}
