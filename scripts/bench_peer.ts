/**
 * The peer our `dnn` pipeline is compared with: face-api's own full pipeline from the same
 * pinned package (`@vladmandic/face-api@1.7.15`) on the same tfjs wasm backend, i.e.
 * SSD MobileNet v1 detection, the 68-point landmark net, and the ResNet-34 descriptor on
 * face-api's own landmark-aligned crops:
 * `detectAllFaces(img, SsdMobilenetv1Options).withFaceLandmarks().withFaceDescriptors()`.
 *
 * Photos are decoded and turned into tensors before the clock starts; the clock covers only
 * face-api's pipeline, after a warm-up run (the first inference of each net is much slower).
 *
 *   deno run -A scripts/bench_peer.ts [--min-confidence 0.5] [DIR_OR_FILE...]
 *
 * With no path it times the 100 lfw10 photos (`$FACEREC_DATASETS/lfw10`, by default
 * `../shared/datasets/lfw10`) and prints one JSON object.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import process from "node:process";
import { parseArgs } from "node:util";
import type { Tensor3D } from "@tensorflow/tfjs";
import * as faceApiModule from "@vladmandic/face-api/dist/face-api.node-wasm.js";
import { decodeImage } from "../lib/imaging/mod.ts";
import { loadTfjs } from "../wasm/tfjs.ts";

/** Knobs of {@link timeFaceApiPipeline}. */
export interface PeerOptions {
  /** SSD score a detection needs; face-api's default is 0.5. */
  minConfidence?: number;
  /** Most faces SSD returns per photo; face-api's default is 100. */
  maxResults?: number;
  /** Untimed passes over the first photo before timing; default 1. */
  warmUp?: number;
}

/** What {@link timeFaceApiPipeline} measured. */
export interface PeerTiming {
  /** Photos timed. */
  photos: number;
  /** Faces that came out with a descriptor, over all photos. */
  facesFound: number;
  /** Photos where at least one face was found. */
  photosWithFaces: number;
  /** Mean wall-clock ms per photo of the whole pipeline, warm. */
  msPerPhoto: number;
  /**
   * Mean CPU ms per photo over the same stretch (this process, all threads: tfjs-wasm runs
   * on one, V8's helpers add a little). Unlike wall-clock time it hardly moves when other
   * processes share the cores.
   */
  cpuMsPerPhoto: number;
  /** The first (warm-up) pass, ms: the one a fresh process pays. */
  firstMs: number;
  /** Loading the three nets' weights, ms. */
  loadMs: number;
}

interface Net {
  readonly isLoaded: boolean;
  loadFromDisk(dir: string): Promise<void>;
}

interface FaceApiPipeline {
  nets: { ssdMobilenetv1: Net; faceLandmark68Net: Net; faceRecognitionNet: Net };
  SsdMobilenetv1Options: new (o: { minConfidence?: number; maxResults?: number }) => object;
  detectAllFaces(input: Tensor3D, options: object): {
    withFaceLandmarks(): { withFaceDescriptors(): Promise<{ descriptor: Float32Array }[]> };
  };
}

// face-api's declarations inline their own tfjs types; see lib/recognition/_dnn_faceapi.ts.
const faceApi = faceApiModule as unknown as FaceApiPipeline;

/** The lfw10 folder the CLI uses by default. */
export function defaultLfw10(): string {
  const root = Deno.env.get("FACEREC_DATASETS") ??
    fileURLToPath(new URL("../../shared/datasets/", import.meta.url));
  return `${root.replace(/\/?$/, "/")}lfw10`;
}

/** Every image file under `path` (or `path` itself), sorted, so runs are comparable. */
export async function listPhotos(path: string): Promise<string[]> {
  const info = await Deno.stat(path);
  if (info.isFile) return [path];
  const out: string[] = [];
  for await (const entry of Deno.readDir(path)) {
    const child = `${path.replace(/\/$/, "")}/${entry.name}`;
    if (entry.isDirectory) out.push(...await listPhotos(child));
    else if (/\.(jpe?g|png|webp|gif|bmp|tiff?|p[gp]m)$/i.test(entry.name)) out.push(child);
  }
  return out.sort();
}

async function loadNets(): Promise<number> {
  const t0 = performance.now();
  const dir = fileURLToPath(new URL(import.meta.resolve("@vladmandic/face-api/model/")));
  const { ssdMobilenetv1, faceLandmark68Net, faceRecognitionNet } = faceApi.nets;
  for (const net of [ssdMobilenetv1, faceLandmark68Net, faceRecognitionNet]) {
    if (!net.isLoaded) await net.loadFromDisk(dir);
  }
  return performance.now() - t0;
}

/**
 * Times face-api's own detect + landmarks + descriptor pipeline on photos given as encoded
 * bytes or file paths. Decoding and tensor creation happen before timing; tensors are freed
 * afterwards.
 *
 * @example
 * ```ts ignore
 * const t = await timeFaceApiPipeline(await listPhotos(defaultLfw10()));
 * console.log(t.msPerPhoto, t.facesFound);
 * ```
 */
export async function timeFaceApiPipeline(
  photos: readonly (Uint8Array | string)[],
  options: PeerOptions = {},
): Promise<PeerTiming> {
  const { minConfidence = 0.5, maxResults = 100, warmUp = 1 } = options;
  if (photos.length === 0) throw new RangeError("expected at least one photo, got none");
  if (!(minConfidence > 0 && minConfidence < 1)) {
    throw new RangeError(`expected minConfidence in (0, 1), got ${minConfidence}`);
  }
  if (!(Number.isInteger(warmUp) && warmUp >= 1)) {
    throw new RangeError(`expected warmUp as an integer >= 1, got ${warmUp}`);
  }
  const { tf } = await loadTfjs();
  const loadMs = await loadNets();
  const detectorOptions = new faceApi.SsdMobilenetv1Options({ minConfidence, maxResults });

  const tensors: Tensor3D[] = [];
  try {
    for (const photo of photos) {
      const bytes = typeof photo === "string" ? await Deno.readFile(photo) : photo;
      const rgba = decodeImage(bytes);
      const rgb = new Uint8Array(rgba.width * rgba.height * 3);
      for (let i = 0, j = 0; i < rgb.length; i += 3, j += 4) {
        rgb[i] = rgba.data[j] ?? 0;
        rgb[i + 1] = rgba.data[j + 1] ?? 0;
        rgb[i + 2] = rgba.data[j + 2] ?? 0;
      }
      tensors.push(tf.tensor3d(rgb, [rgba.height, rgba.width, 3], "int32"));
    }
    const run = (input: Tensor3D) =>
      faceApi.detectAllFaces(input, detectorOptions).withFaceLandmarks().withFaceDescriptors();

    const first = tensors[0] as Tensor3D;
    let t = performance.now();
    await run(first);
    const firstMs = performance.now() - t;
    for (let i = 1; i < warmUp; i++) await run(first);

    let facesFound = 0, photosWithFaces = 0;
    const cpu = process.cpuUsage();
    t = performance.now();
    for (const input of tensors) {
      const faces = await run(input);
      facesFound += faces.length;
      if (faces.length > 0) photosWithFaces++;
    }
    const msPerPhoto = (performance.now() - t) / tensors.length;
    const used = process.cpuUsage(cpu);
    const cpuMsPerPhoto = (used.user + used.system) / 1000 / tensors.length;
    return {
      photos: tensors.length,
      facesFound,
      photosWithFaces,
      msPerPhoto,
      cpuMsPerPhoto,
      firstMs,
      loadMs,
    };
  } finally {
    for (const t of tensors) t.dispose();
  }
}

if (import.meta.main) {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { "min-confidence": { type: "string" } },
  });
  const paths = positionals.length > 0 ? positionals : [defaultLfw10()];
  const files = (await Promise.all(paths.map(listPhotos))).flat();
  const minConfidence = Number(values["min-confidence"] ?? 0.5);
  const timing = await timeFaceApiPipeline(files, { minConfidence });
  const { tf } = await loadTfjs();
  console.log(JSON.stringify(
    {
      peer: "face-api 1.7.15: SsdMobilenetv1 + FaceLandmark68Net + FaceRecognitionNet",
      backend: tf.getBackend(),
      minConfidence,
      ...timing,
    },
    null,
    2,
  ));
}
