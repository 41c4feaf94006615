/**
 * The in-process half of the `dnn` bench section, run as a child process of its own so
 * that each side's memory (OpenCV, tfjs, face-api's three nets) stays out of the others and
 * of the parent. Prints one JSON object on stdout.
 *
 *   deno run -A scripts/bench_dnn_inprocess.ts micro [--reps 3]
 *   deno run -A scripts/bench_dnn_inprocess.ts ours   # our pipeline per photo
 *   deno run -A scripts/bench_dnn_inprocess.ts peer   # face-api's (scripts/bench_peer.ts)
 *
 * Every mode works on the same photos: the 100 lfw10 photos and the annotated detection
 * photos, read into memory before any clock starts. The two pipelines share one warm-up
 * policy, face-api's: one untimed run on the first photo of a set, then every photo once.
 * Ours starts from the encoded bytes (decode + YuNet + align + descriptor for every face
 * found, single thread); the peer starts from decoded tensors, as bench_peer.ts times it.
 *
 * Every figure comes twice: wall-clock ms, and CPU ms of this process over the same stretch
 * (getrusage, all threads). The work is single-threaded, so on an idle machine the two agree;
 * when other processes share the cores the wall-clock figure grows and the CPU one hardly.
 * @module
 */
import { parseArgs } from "node:util";
import { loadOpenCV } from "../wasm/opencv.ts";
import { DEFAULT_YUNET_OPTIONS, YunetDetector } from "../lib/detection/yunet.ts";
import { alignChip } from "../lib/detection/align.ts";
import { decodeImage, encodeJpeg } from "../lib/imaging/mod.ts";
import type { RgbaImage } from "../lib/imaging/image.ts";
import { MatScope } from "../lib/imaging/mat_scope.ts";
import { rgbaToMat } from "../lib/imaging/_mat.ts";
import { FaceDescriptor, type RgbImage } from "../lib/recognition/face_descriptor.ts";
import { mean, round } from "../lib/evaluation/stats.ts";
import { timeFaceApiPipeline } from "./bench_peer.ts";
import { listPhotos } from "./bench_peer.ts";
import { ANNOTATED, cpuNowMs, LFW, listImages, median, rssOf } from "./lib/bench_util.ts";
import type { CV } from "../wasm/opencv.ts";

/** The photo sets every mode times. */
export const PHOTO_SETS = ["lfw10", "annotated"] as const;
/** One of {@link PHOTO_SETS}. */
export type PhotoSet = typeof PHOTO_SETS[number];

/** Paths of a photo set, sorted. */
export async function photosOf(set: PhotoSet): Promise<string[]> {
  return set === "lfw10" ? await listPhotos(LFW) : await listImages(ANNOTATED, /\.jpe?g$/i);
}

/** Detection time on one photo set. */
export interface DetectTiming {
  photos: number;
  faces: number;
  msPerImage: number;
  cpuMsPerImage: number;
}

/** What `micro` measures. */
export interface MicroResult {
  detect: Record<PhotoSet, DetectTiming>;
  /**
   * One lfw10 photo resized to 6000x4000 and 1000x667: detection only (from RGBA) with the
   * default bound, the 6000x4000 one also at `maxInputSide` 1280 (the default until
   * 2026-12), and the JPEG decode of both as a separate figure.
   */
  large: {
    source: string;
    ms6000: number;
    ms1000: number;
    ratio: number;
    cpuMs6000: number;
    cpuMs1000: number;
    /** cpuMs6000 / cpuMs1000. */
    cpuRatio: number;
    /** The default `maxInputSide`, the longest side the 6000x4000 photo is detected at. */
    bound: number;
    /** The 6000x4000 photo detected at `maxInputSide` 1280 instead. */
    ms6000At1280: number;
    /** ms6000At1280 / ms1000. */
    ratioAt1280: number;
    faces6000At1280: number;
    /** (decodeMs6000 + ms6000) / (decodeMs1000 + ms1000): the cost with decoding. */
    ratioWithDecode: number;
    faces6000: number;
    faces1000: number;
    decodeMs6000: number;
    decodeMs1000: number;
    jpegBytes6000: number;
  };
  /** Per face, over the largest face of each lfw10 photo. */
  alignMsPerFace: number;
  embedMsPerFace: number;
  alignCpuMsPerFace: number;
  embedCpuMsPerFace: number;
  faces: number;
  descriptorCreateMs: number;
  peakRssMb: number;
}

/** What `ours` and `peer` measure, per photo set. */
export interface PipelineTiming {
  photos: number;
  facesFound: number;
  photosWithFaces: number;
  msPerPhoto: number;
  cpuMsPerPhoto: number;
  firstMs: number;
  /** Ours only: the decode share of msPerPhoto. */
  decodeMsPerPhoto?: number;
}

/** One pipeline child's output. */
export interface PipelineResult {
  sets: Record<PhotoSet, PipelineTiming>;
  peakRssMb: number;
}

function resizeRgba(cv: CV, img: RgbaImage, width: number, height: number): RgbaImage {
  using scope = new MatScope();
  const src = rgbaToMat(cv, scope, img);
  const dst = scope.track(new cv.Mat());
  cv.resize(src, dst, new cv.Size(width, height), 0, 0, cv.INTER_LINEAR);
  return { width, height, data: new Uint8Array(dst.data) };
}

/** Medians of `reps` timed runs of `f` (wall and CPU ms), after one untimed run. */
function timeIt(reps: number, f: () => unknown): { ms: number; cpu: number } {
  f();
  const ms: number[] = [], cpu: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c = cpuNowMs(), t = performance.now();
    f();
    ms.push(performance.now() - t);
    cpu.push(cpuNowMs() - c);
  }
  return { ms: median(ms), cpu: median(cpu) };
}

async function micro(reps: number): Promise<MicroResult> {
  const { cv } = await loadOpenCV();
  using yunet = await YunetDetector.create();
  const detect = {} as Record<PhotoSet, DetectTiming>;
  const decoded: Record<PhotoSet, RgbaImage[]> = { lfw10: [], annotated: [] };
  for (const set of PHOTO_SETS) {
    for (const file of await photosOf(set)) {
      decoded[set].push(decodeImage(await Deno.readFile(file)));
    }
    let faces = 0;
    const times = decoded[set].map((img) => {
      faces += yunet.detect(img).length;
      return timeIt(reps, () => yunet.detect(img));
    });
    detect[set] = {
      photos: times.length,
      faces,
      msPerImage: round(mean(times.map((x) => x.ms)), 2),
      cpuMsPerImage: round(mean(times.map((x) => x.cpu)), 2),
    };
  }

  const source = (await photosOf("lfw10"))[0]!;
  const photo = decoded.lfw10[0]!;
  const big = resizeRgba(cv, photo, 6000, 4000);
  const small = resizeRgba(cv, photo, 1000, 667);
  const ms6000 = timeIt(reps, () => yunet.detect(big));
  const ms1000 = timeIt(reps, () => yunet.detect(small));
  const at1280 = { maxInputSide: 1280 };
  const ms6000At1280 = timeIt(reps, () => yunet.detect(big, at1280));
  const jpeg6000 = encodeJpeg(big, 90), jpeg1000 = encodeJpeg(small, 90);
  const decodeMs6000 = timeIt(Math.min(reps, 2), () => decodeImage(jpeg6000)).ms;
  const decodeMs1000 = timeIt(reps, () => decodeImage(jpeg1000)).ms;

  let t = performance.now();
  using descriptor = await FaceDescriptor.create();
  const descriptorCreateMs = performance.now() - t;
  const chips: RgbImage[] = [];
  const alignMs: { ms: number; cpu: number }[] = [];
  for (const img of decoded.lfw10) {
    const face = yunet.detect(img)[0];
    if (!face?.landmarks) continue;
    const landmarks = face.landmarks;
    alignMs.push(timeIt(reps, () => alignChip(cv, img, landmarks)));
    chips.push(alignChip(cv, img, landmarks));
  }
  descriptor.compute(chips[0]!);
  const c = cpuNowMs();
  t = performance.now();
  for (const chip of chips) descriptor.compute(chip);
  const embedMsPerFace = (performance.now() - t) / chips.length;
  const embedCpuMsPerFace = (cpuNowMs() - c) / chips.length;
  return {
    detect,
    large: {
      source: source.split("/").slice(-2).join("/"),
      ms6000: round(ms6000.ms, 1),
      ms1000: round(ms1000.ms, 1),
      ratio: round(ms6000.ms / ms1000.ms, 2),
      bound: DEFAULT_YUNET_OPTIONS.maxInputSide,
      ms6000At1280: round(ms6000At1280.ms, 1),
      ratioAt1280: round(ms6000At1280.ms / ms1000.ms, 2),
      faces6000At1280: yunet.detect(big, at1280).length,
      ratioWithDecode: round((decodeMs6000 + ms6000.ms) / (decodeMs1000 + ms1000.ms), 2),
      cpuMs6000: round(ms6000.cpu, 1),
      cpuMs1000: round(ms1000.cpu, 1),
      cpuRatio: round(ms6000.cpu / ms1000.cpu, 2),
      faces6000: yunet.detect(big).length,
      faces1000: yunet.detect(small).length,
      decodeMs6000: round(decodeMs6000, 0),
      decodeMs1000: round(decodeMs1000, 1),
      jpegBytes6000: jpeg6000.length,
    },
    alignMsPerFace: round(mean(alignMs.map((x) => x.ms)), 2),
    embedMsPerFace: round(embedMsPerFace, 2),
    alignCpuMsPerFace: round(mean(alignMs.map((x) => x.cpu)), 2),
    embedCpuMsPerFace: round(embedCpuMsPerFace, 2),
    faces: chips.length,
    descriptorCreateMs: round(descriptorCreateMs, 0),
    peakRssMb: rssOf(Deno.pid).peak,
  };
}

async function ours(): Promise<PipelineResult> {
  const { cv } = await loadOpenCV();
  using yunet = await YunetDetector.create();
  using descriptor = await FaceDescriptor.create();
  let decodeMs = 0;
  const run = (bytes: Uint8Array): number => {
    const t = performance.now();
    const rgba = decodeImage(bytes);
    decodeMs += performance.now() - t;
    const faces = yunet.detect(rgba);
    for (const face of faces) {
      if (face.landmarks) descriptor.compute(alignChip(cv, rgba, face.landmarks));
    }
    return faces.length;
  };
  const sets = {} as Record<PhotoSet, PipelineTiming>;
  for (const set of PHOTO_SETS) {
    const photos = await Promise.all((await photosOf(set)).map((f) => Deno.readFile(f)));
    let t = performance.now();
    run(photos[0]!);
    const firstMs = performance.now() - t;
    decodeMs = 0;
    let facesFound = 0, photosWithFaces = 0;
    const cpu = cpuNowMs();
    t = performance.now();
    for (const bytes of photos) {
      const n = run(bytes);
      facesFound += n;
      if (n > 0) photosWithFaces++;
    }
    const ms = (performance.now() - t) / photos.length;
    const cpuMs = (cpuNowMs() - cpu) / photos.length;
    sets[set] = {
      photos: photos.length,
      facesFound,
      photosWithFaces,
      msPerPhoto: round(ms, 1),
      cpuMsPerPhoto: round(cpuMs, 1),
      firstMs: round(firstMs, 0),
      decodeMsPerPhoto: round(decodeMs / photos.length, 1),
    };
  }
  return { sets, peakRssMb: rssOf(Deno.pid).peak };
}

async function peer(): Promise<PipelineResult> {
  const sets = {} as Record<PhotoSet, PipelineTiming>;
  for (const set of PHOTO_SETS) {
    const photos = await Promise.all((await photosOf(set)).map((f) => Deno.readFile(f)));
    const t = await timeFaceApiPipeline(photos, { warmUp: 1 });
    sets[set] = {
      photos: t.photos,
      facesFound: t.facesFound,
      photosWithFaces: t.photosWithFaces,
      msPerPhoto: round(t.msPerPhoto, 1),
      cpuMsPerPhoto: round(t.cpuMsPerPhoto, 1),
      firstMs: round(t.firstMs, 0),
    };
  }
  return { sets, peakRssMb: rssOf(Deno.pid).peak };
}

/** Runs one mode of this file in a child process and returns its JSON. */
export async function runChild<T>(
  mode: "micro" | "ours" | "peer",
  args: string[] = [],
): Promise<T> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, mode, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`bench_dnn_inprocess ${mode} failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout)) as T;
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { reps: { type: "string", default: "3" } },
  });
  const mode = positionals[0];
  const result = mode === "micro"
    ? await micro(Number(values.reps))
    : mode === "ours"
    ? await ours()
    : mode === "peer"
    ? await peer()
    : undefined;
  if (!result) {
    console.error(`expected a mode: micro, ours or peer; got ${mode}`);
    Deno.exit(2);
  }
  console.log(JSON.stringify(result));
  Deno.exit(0);
}
