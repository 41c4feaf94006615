/**
 * Reads a folder-per-person dataset exactly as ../shared/tools/native_baseline.py does.
 * @module
 */
import type { FaceImage } from "../recognition/mod.ts";
import { decodeGray, decodeImage } from "../imaging/decode.ts";
import { ImageError } from "../imaging/errors.ts";
import { cropAndResize, resizeGray } from "../imaging/crop.ts";
import { toGray } from "../imaging/gray.ts";
import type { GrayImage, RgbaImage } from "../imaging/image.ts";
import { HaarDetector } from "../detection/haar.ts";
import { YunetDetector } from "../detection/yunet.ts";
import { alignChip, alignGray } from "../detection/align.ts";
import { type CV, loadOpenCV } from "../../wasm/opencv.ts";
import { round } from "./stats.ts";

/** Face detectors a corpus can be read with. */
export type CorpusDetector = "haar" | "yunet";

/**
 * What each image becomes: a grey crop resized to the corpus size (the classic algorithms),
 * or a 150x150 RGB chip aligned on YuNet's landmarks (`dnn`).
 */
export type CorpusFaces = "gray" | "chip";

/** Side of the aligned chips `dnn` takes. */
export const CHIP_SIDE = 150;

/** How to read a dataset. */
export interface ReadOptions {
  /** The dataset's root: one sub-directory per person. */
  readonly dir: string;
  /** Width every image is resized to. */
  readonly width: number;
  /** Height every image is resized to. */
  readonly height: number;
  /**
   * Run a face detector first and keep the largest face (`true` is Haar, as the native
   * tool's `--detect`). Chips always run YuNet.
   */
  readonly detect: boolean | CorpusDetector;
  /** Grey crops (default) or aligned colour chips. */
  readonly faces?: CorpusFaces;
  /**
   * With YuNet and grey crops: warp each face onto its landmarks (`alignGray`) instead of
   * cutting the detector's box.
   */
  readonly align?: boolean;
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
  // Symlinked folders and files count, as they do for the native tool's os.listdir/isdir.
  const isDir = async (e: Deno.DirEntry, path: string) =>
    e.isDirectory || (e.isSymlink && (await Deno.stat(path).catch(() => null))?.isDirectory);
  const isFile = async (e: Deno.DirEntry, path: string) =>
    e.isFile || (e.isSymlink && (await Deno.stat(path).catch(() => null))?.isFile);
  for await (const e of Deno.readDir(o.dir)) {
    if (await isDir(e, `${o.dir}/${e.name}`)) people.push(e.name);
  }
  plainSort(people);
  const faces = o.faces ?? "gray";
  const which: CorpusDetector | undefined = faces === "chip"
    ? "yunet"
    : o.detect === true
    ? "haar"
    : o.detect || undefined;
  const detector = which === "haar" ? await HaarDetector.create() : undefined;
  const yunet = which === "yunet" ? await YunetDetector.create() : undefined;
  const { cv } = await loadOpenCV();
  const images: Corpus["images"] = [];
  let noFace = 0, unreadable = 0, detectMs = 0, detections = 0;
  try {
    for (const [person, name] of people.entries()) {
      const dir = `${o.dir}/${name}`;
      const files: string[] = [];
      for await (const e of Deno.readDir(dir)) {
        if (await isFile(e, `${dir}/${e.name}`)) files.push(e.name);
      }
      for (const [index, file] of plainSort(files).entries()) {
        let gray: GrayImage;
        let rgba: RgbaImage | undefined;
        try {
          const bytes = await Deno.readFile(`${dir}/${file}`);
          if (yunet) {
            rgba = decodeImage(bytes);
            gray = faces === "chip"
              ? { width: 0, height: 0, data: new Uint8Array() }
              : toGray(rgba);
          } else gray = decodeGray(bytes);
        } catch (e) {
          if (!(e instanceof ImageError)) throw e;
          console.error(`eval: skipping ${dir}/${file}: ${e.message}`);
          unreadable++;
          continue;
        }
        if (yunet && rgba) {
          const t = performance.now();
          const image = yunetFace(cv, yunet, rgba, gray, faces, o);
          detectMs += performance.now() - t;
          detections++;
          if (image === undefined) {
            noFace++;
            continue;
          }
          images.push({ person, index, image });
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
    yunet?.[Symbol.dispose]();
  }
  return {
    people,
    images,
    noFace,
    unreadable,
    detectMsPerImage: detections ? round(detectMs / detections, 2) : null,
  };
}

/** The largest YuNet face as the corpus wants it, or undefined when there is none. */
function yunetFace(
  cv: CV,
  yunet: YunetDetector,
  rgba: RgbaImage,
  gray: GrayImage,
  faces: CorpusFaces,
  o: ReadOptions,
): FaceImage | undefined {
  const [face] = yunet.detect(rgba);
  if (face === undefined) return undefined;
  if (faces === "chip") {
    if (!face.landmarks) return undefined;
    const chip = alignChip(cv, rgba, face.landmarks, CHIP_SIDE);
    return { width: chip.width, height: chip.height, data: chip.data, channels: 3 };
  }
  if (o.align && face.landmarks) return alignGray(cv, gray, face.landmarks, o.width, o.height);
  return cropAndResize(cv, gray, face.box, o.width, o.height);
}
