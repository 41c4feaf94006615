/**
 * Test helper: small deterministic "faces" (a per-person pattern plus per-image noise), so
 * the shared suite runs in milliseconds.
 * @module
 */
import type { FaceImage } from "../../lib/recognition/mod.ts";

/** A seeded xorshift32 generator in [0, 1). */
export function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/** Image `index` of person `person`: the person's pattern plus +-`noise` grey levels. */
export function syntheticFace(
  person: number,
  index: number,
  width = 24,
  height = 28,
  noise = 12,
): FaceImage {
  const base = random(1000 + person * 7919);
  const jitter = random(5000 + person * 104729 + index * 31);
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const v = 40 + base() * 170 + (jitter() * 2 - 1) * noise;
    data[i] = Math.max(0, Math.min(255, Math.round(v)));
  }
  return { width, height, data };
}

/** `perPerson` images for each of `people` people, labelled 10, 20, 30, ... */
export function syntheticSet(
  people: number,
  perPerson: number,
  firstIndex = 0,
): { images: FaceImage[]; labels: number[] } {
  const images: FaceImage[] = [], labels: number[] = [];
  for (let p = 0; p < people; p++) {
    for (let i = 0; i < perPerson; i++) {
      images.push(syntheticFace(p, firstIndex + i));
      labels.push((p + 1) * 10);
    }
  }
  return { images, labels };
}
