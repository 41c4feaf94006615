/** Paths and small helpers shared by the imaging and detection tests. */
import type { GrayImage } from "../../lib/imaging/image.ts";
import { ImageError, type ImageErrorCode } from "../../lib/imaging/errors.ts";
import { DATASETS_URL } from "../_datasets.ts";

export const SHARED = DATASETS_URL;
export const FIXTURES = new URL("../fixtures/images/", import.meta.url);
/** The demo fixtures at the repository root (fixtures/ATTRIBUTION.md). */
export const REPO_FIXTURES = new URL("../../fixtures/", import.meta.url);

/** A file of the shared datasets: only for tests registered with `datasetTest`. */
export function shared(path: string): Uint8Array {
  return Deno.readFileSync(new URL(path, SHARED));
}
export function fixture(name: string): Uint8Array {
  return Deno.readFileSync(new URL(name, FIXTURES));
}
/** A file of the repository's demo fixtures, e.g. `orl/s2/1.pgm` or `bbt/bbt2.jpg`. */
export function repoFixture(path: string): Uint8Array {
  return Deno.readFileSync(new URL(path, REPO_FIXTURES));
}

/** SHA-256 of `bytes` in hex (the fixtures' expected.json files record cv2's pixels so). */
export async function sha256(bytes: Uint8Array): Promise<string> {
  // Copied so the digest input is backed by a plain ArrayBuffer, as BufferSource requires.
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Largest absolute difference between two equally long arrays. */
export function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Mean absolute difference. */
export function meanDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/** Drops alpha: RGBA to packed RGB. */
export function rgbOf(rgba: Uint8Array): Uint8Array {
  const out = new Uint8Array((rgba.length / 4) * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    out[j] = rgba[i]!;
    out[j + 1] = rgba[i + 1]!;
    out[j + 2] = rgba[i + 2]!;
  }
  return out;
}

/** A deterministic byte stream (xorshift32) for fuzz-style tests. */
export function pseudoRandomBytes(n: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

export function gray(width: number, height: number, data: Uint8Array): GrayImage {
  return { width, height, data };
}

/** Runs `fn`, expecting an ImageError with `code`; returns it for further checks. */
export function expectImageError(fn: () => unknown, code: ImageErrorCode): ImageError {
  try {
    fn();
  } catch (e) {
    if (!(e instanceof ImageError)) {
      throw new Error(`expected ImageError(${code}), got ${e instanceof Error ? e.name : e}: ${e}`);
    }
    if (e.code !== code) throw new Error(`expected code ${code}, got ${e.code}: ${e.message}`);
    return e;
  }
  throw new Error(`expected ImageError(${code}), got no error`);
}
