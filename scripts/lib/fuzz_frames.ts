/**
 * Hostile frames for stress testing: purely random bytes, and valid encoded requests
 * mutated the ways a broken or malicious peer would (bit flips, truncation, lying length
 * fields, random tags, huge field counts and nesting). Deterministic for a given seed.
 * @module
 */
import { HEADER_BYTES } from "../../lib/protocol/mod.ts";

/** A small seeded PRNG (mulberry32), so a failing run can be replayed with `--seed`. */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  /** `n` random bytes. */
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.int(256);
    return out;
  }
}

/** The kinds of hostile frame {@link fuzzFrame} makes. */
export const MUTATIONS = [
  "random",
  "randomBehindHeader",
  "bitFlip",
  "truncate",
  "lengthLie",
  "fieldLengthLie",
  "randomTag",
  "hugeCount",
  "deepNesting",
  "trailingGarbage",
] as const;
/** One of {@link MUTATIONS}. */
export type Mutation = typeof MUTATIONS[number];

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function field(tag: number, value: Uint8Array): Uint8Array {
  const out = new Uint8Array(6 + value.length);
  const view = new DataView(out.buffer);
  view.setUint16(0, tag);
  view.setUint32(2, value.length);
  out.set(value, 6);
  return out;
}

function header(kind: number, length: number): Uint8Array {
  const out = new Uint8Array(HEADER_BYTES);
  const view = new DataView(out.buffer);
  view.setUint16(0, 0x4652);
  view.setUint8(2, 1);
  view.setUint8(3, kind);
  view.setUint32(6, length >>> 0);
  return out;
}

/** Offsets of the top-level TLV fields of a frame's body (as far as they parse). */
function fieldOffsets(frame: Uint8Array): number[] {
  const offsets: number[] = [];
  const view = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  for (let at = HEADER_BYTES; at + 6 <= frame.length;) {
    offsets.push(at);
    at += 6 + view.getUint32(at + 2);
  }
  return offsets;
}

/** One hostile frame made from one of `valid` (whole encoded requests). */
export function fuzzFrame(
  rng: Rng,
  valid: readonly Uint8Array[],
  mutation: Mutation = rng.pick(MUTATIONS),
): { mutation: Mutation; bytes: Uint8Array } {
  const base = rng.pick(valid);
  let out: Uint8Array = base.slice();
  const view = () => new DataView(out.buffer, out.byteOffset, out.byteLength);
  switch (mutation) {
    case "random":
      out = rng.bytes(rng.int(2048));
      break;
    case "randomBehindHeader": {
      const body = rng.bytes(rng.int(2048));
      out = concat(header(rng.int(8) === 0 ? rng.int(256) : 1 + rng.int(5), body.length), body);
      break;
    }
    case "bitFlip":
      for (let n = 1 + rng.int(8); n > 0; n--) {
        const at = rng.int(out.length);
        out[at] = out[at]! ^ (1 << rng.int(8));
      }
      break;
    case "truncate":
      out = out.slice(0, rng.int(out.length));
      break;
    case "lengthLie": {
      const real = out.length - HEADER_BYTES;
      const lie = rng.pick([0, real - 1, real + 1, real + rng.int(100_000), 0xffff_ffff, 1 << 27]);
      view().setUint32(6, Math.max(0, lie) >>> 0);
      break;
    }
    case "fieldLengthLie": {
      const offsets = fieldOffsets(out);
      if (offsets.length === 0) break;
      const at = rng.pick(offsets);
      view().setUint32(at + 2, rng.pick([0, 1, 0x7fff_ffff, 0xffff_ffff, rng.int(1 << 20)]));
      break;
    }
    case "randomTag": {
      const offsets = fieldOffsets(out);
      if (offsets.length === 0) break;
      view().setUint16(rng.pick(offsets), rng.int(0x10000));
      break;
    }
    case "hugeCount": {
      // Thousands of tiny fields: over the per-container cap, or duplicates the op forbids.
      const one = field(rng.pick([0x0003, 0x0004, 0x0008, 0x7777]), rng.bytes(rng.int(4)));
      const count = 500 + rng.int(3000);
      const body = concat(out.subarray(HEADER_BYTES), ...Array.from({ length: count }, () => one));
      out = concat(header(out[3]!, body.length), body);
      break;
    }
    case "deepNesting": {
      let inner = field(0x0008, rng.bytes(4));
      for (let depth = 2 + rng.int(60); depth > 0; depth--) {
        inner = field(rng.pick([0x8001, 0x8002, 0x8003]), inner);
      }
      const body = concat(out.subarray(HEADER_BYTES), inner);
      out = concat(header(out[3]!, body.length), body);
      break;
    }
    case "trailingGarbage":
      out = concat(out, rng.bytes(1 + rng.int(64)));
      break;
  }
  return { mutation, bytes: out };
}
