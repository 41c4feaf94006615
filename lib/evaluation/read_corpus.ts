/**
 * Reads a folder-per-person dataset exactly as ../shared/tools/native_baseline.py does.
 * @module
 */
import type { FaceImage } from "../recognition/mod.ts";
import { decodeGray } from "../imaging/decode.ts";
import { ImageError } from "../imaging/errors.ts";
import { cropAndResize, resizeGray } from "../imaging/crop.ts";
import { HaarDetector } from "../detection/haar.ts";
import { loadOpenCV } from "../../wasm/opencv.ts";
import { round } from "./stats.ts";

/** How to read a dataset. */
export interface ReadOptions {
  /** The dataset's root: one sub-directory per person. */
  readonly dir: string;
  /** Width every image is resized to. */
  readonly width: number;
  /** Height every image is resized to. */
  readonly height: number;
  /** Run the Haar cascade first and keep the largest face. */
  readonly detect: boolean;
}

/** Every usable image of every person, in sorted order, with its file index. */
export interface Corpus {
  /** Person names, sorted plainly (by code unit). */
  readonly people: string[];
  /** Each image with its person's index and its position in the person's sorted files. */
  readonly images: { readonly person: number; readonly index: number; readonly image: FaceImage }[];
  /** Images in which `detect` found no face. */
  readonly noFace: number;
  /** Files no reader could decode (skipped with a warning; the native tool would stop). */
  readonly unreadable: number;
  /** Mean detection time, or `null` without `detect`. */
  readonly detectMsPerImage: number | null;
}

const plainSort = (names: string[]) => names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Reads a folder-per-person dataset, optionally detecting the largest face, resized. Every
 * file counts, whatever its name, as in the native tool: readers go by content, and a file's
 * position in the sorted listing decides train or test. A file no reader decodes is skipped
 * with a warning on stderr but keeps its position.
 */
export async function readCorpus(o: ReadOptions): Promise<Corpus> {
  const people: string[] = [];
  for await (const e of Deno.readDir(o.dir)) if (e.isDirectory) people.push(e.name);
  plainSort(people);
  const detector = o.detect ? await HaarDetector.create() : undefined;
  const { cv } = await loadOpenCV();
  const images: Corpus["images"] = [];
  let noFace = 0, unreadable = 0, detectMs = 0, detections = 0;
  try {
    for (const [person, name] of people.entries()) {
      const dir = `${o.dir}/${name}`;
      const files: string[] = [];
      for await (const e of Deno.readDir(dir)) if (e.isFile) files.push(e.name);
      for (const [index, file] of plainSort(files).entries()) {
        let gray;
        try {
          gray = decodeGray(await Deno.readFile(`${dir}/${file}`));
        } catch (e) {
          if (!(e instanceof ImageError)) throw e;
          console.error(`eval: skipping ${dir}/${file}: ${e.message}`);
          unreadable++;
          continue;
        }
        if (detector) {
          const t = performance.now();
          const [box] = detector.detect(gray);
          detectMs += performance.now() - t;
          detections++;
          if (box === undefined) {
            noFace++;
            continue;
          }
          gray = cropAndResize(cv, gray, box, o.width, o.height);
        } else if (gray.width !== o.width || gray.height !== o.height) {
          gray = resizeGray(cv, gray, o.width, o.height);
        }
        images.push({ person, index, image: gray });
      }
    }
  } finally {
    detector?.[Symbol.dispose]();
  }
  return {
    people,
    images,
    noFace,
    unreadable,
    detectMsPerImage: detections ? round(detectMs / detections, 2) : null,
  };
}
