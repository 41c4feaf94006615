/**
 * A synthetic large gallery for the scale benchmark: identities made from the 40 ORL people
 * (92x112 crops), each with its own fixed shift, mirror, contrast and brightness, and faces
 * that are that person's ORL images with a small random jitter (±1 px, noise). Identity `i`
 * is built on ORL person `i % 40`, so galleries of 100 to 10,000 faces have 10 faces per
 * identity like a real enrolment. Deterministic for a given seed.
 * @module
 */
import { decodeGray } from "../lib/imaging/decode.ts";
import type { FaceImage } from "../lib/recognition/mod.ts";
import { Rng } from "./lib/fuzz_frames.ts";

const HERE = new URL(".", import.meta.url).pathname;
/** Where the ORL dataset is expected. */
export const ORL_DIR = `${HERE}../../shared/datasets/orl`;

const plainSort = (names: string[]) => names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** ORL as people x images, sorted plainly. */
export async function readOrl(dir = ORL_DIR): Promise<FaceImage[][]> {
  const people: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.isDirectory) people.push(e.name);
  const out: FaceImage[][] = [];
  for (const person of plainSort(people)) {
    const files: string[] = [];
    for await (const e of Deno.readDir(`${dir}/${person}`)) {
      if (e.isFile && e.name.endsWith(".pgm")) files.push(e.name);
    }
    const images: FaceImage[] = [];
    for (const file of plainSort(files)) {
      images.push(decodeGray(await Deno.readFile(`${dir}/${person}/${file}`)));
    }
    out.push(images);
  }
  return out;
}

/** A small deterministic PRNG (mulberry32), as a function. */
export function random(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

interface Look {
  dx: number;
  dy: number;
  mirror: boolean;
  gain: number;
  offset: number;
}

function render(src: FaceImage, look: Look, noise: number, rand: () => number): FaceImage {
  const { width: w, height: h } = src;
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(h - 1, Math.max(0, y - look.dy));
    for (let x = 0; x < w; x++) {
      let sx = Math.min(w - 1, Math.max(0, x - look.dx));
      if (look.mirror) sx = w - 1 - sx;
      const v = src.data[sy * w + sx]! * look.gain + look.offset + (rand() * 2 - 1) * noise;
      data[y * w + x] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
    }
  }
  return { width: w, height: h, data };
}

/** Identity `identity`'s fixed look. */
function lookOf(identity: number, people: number): Look {
  if (identity < people) return { dx: 0, dy: 0, mirror: false, gain: 1, offset: 0 };
  const r = random(identity * 7919 + 17);
  return {
    dx: Math.round(r() * 8 - 4),
    dy: Math.round(r() * 8 - 4),
    mirror: r() < 0.5,
    gain: 0.8 + r() * 0.4,
    offset: r() * 40 - 20,
  };
}

/**
 * Face `index` (0-based) of identity `identity`: ORL person `identity % 40`'s image
 * `index % 10`, in the identity's look, jittered by ±1 px and ±4 grey levels of noise.
 */
export function syntheticFace(
  orl: readonly FaceImage[][],
  identity: number,
  index: number,
): FaceImage {
  const person = orl[identity % orl.length]!;
  const look = lookOf(identity, orl.length);
  const r = random((identity * 131 + index) * 2654435761);
  const jitter = {
    ...look,
    dx: look.dx + Math.round(r() * 2 - 1),
    dy: look.dy + Math.round(r() * 2 - 1),
  };
  return render(person[index % person.length]!, jitter, 4, r);
}

/** `faces` faces, `perIdentity` per identity: the images and their identity labels. */
export function syntheticGallery(
  orl: readonly FaceImage[][],
  faces: number,
  perIdentity = 10,
): { images: FaceImage[]; labels: number[] } {
  const images: FaceImage[] = [], labels: number[] = [];
  for (let i = 0; i < faces; i++) {
    const identity = Math.floor(i / perIdentity);
    images.push(syntheticFace(orl, identity, i % perIdentity));
    labels.push(identity);
  }
  return { images, labels };
}
