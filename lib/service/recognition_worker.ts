/**
 * Worker: holds the recognition models of this isolate and runs training, incremental
 * updates and predictions on them. Models arrive and leave as model-file bytes, so the
 * main thread never touches a recognizer.
 * @module
 */
import {
  adoptRecognizer,
  type Algorithm,
  type Candidate,
  createRecognizer,
  type FaceImage,
  fisherThreshold,
  galleryThreshold,
  loadRecognizer,
  type Recognizer,
  selfCalibratedThreshold,
  type SharedModel,
  shareRecognizer,
} from "../recognition/mod.ts";
import { byType, serveWorker, transferable } from "./worker_host.ts";
import { openGallery, type StoredFace } from "../gallery/mod.ts";
import type { FaceDescriptor } from "../recognition/face_descriptor.ts";
// Not imaging/mod.ts: that pulls in OpenCV-WASM (about 68 MiB per worker), which recognition
// never uses.
import { decodeImage } from "../imaging/decode.ts";
import { encodeRgbPng, rgbaToRgb } from "../imaging/encode.ts";
import type { RgbImage } from "../imaging/image.ts";
import type { WorkerPool } from "./worker_pool.ts";

/** An aligned RGB chip as sent to this worker. */
export interface ChipJob {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** What an `embed` job returns: one descriptor per chip, and the chips as PNG if asked. */
export interface Embedded {
  vectors: Float32Array[];
  pngs: Uint8Array[];
}

/** A face as sent to this worker. */
interface FaceJob {
  label?: number;
  width: number;
  height: number;
  pixels: Uint8Array;
}

/**
 * A whole gallery for training, packed: face `i` is `pixels[i * w * h, (i + 1) * w * h)`.
 * One buffer, transferred rather than cloned: 10,000 faces are 100 MB.
 */
export interface PackedFaces {
  width: number;
  height: number;
  labels: Int32Array;
  pixels: Uint8Array;
}

/** Where a trained model is stored by the worker itself, and with what stamp. */
export interface SaveTo {
  gallery: string;
  generation: number;
  lastFaceId: number;
}

/** Jobs this worker understands. */
export type RecognitionJob =
  /** Holds a training set for the `train` jobs that follow without faces of their own. */
  | { type: "faces"; faces: PackedFaces }
  /**
   * The same, read by this worker from the gallery file (faces with id <= upToId): the
   * service's event loop then never reads or copies the whole gallery.
   */
  | { type: "readFaces"; gallery: string; upToId: number }
  | { type: "forgetFaces" }
  | { type: "train"; algorithm: Algorithm; faces?: FaceJob[]; save?: SaveTo }
  | { type: "update"; algorithm: Algorithm; bytes: Uint8Array; faces: FaceJob[]; save?: SaveTo }
  /** Updates the stored model with the faces in (afterId, upToId], all read from the file. */
  | {
    type: "updateFrom";
    algorithm: Algorithm;
    gallery: string;
    afterId: number;
    upToId: number;
    save?: SaveTo;
  }
  /** Loads a model; with `share`, returns it on SharedArrayBuffers for `adopt`. */
  | { type: "load"; algorithm: Algorithm; bytes: Uint8Array; share?: boolean }
  /** Uses a model another worker loaded and shared (no copy). */
  | { type: "adopt"; algorithm: Algorithm; model: SharedModel }
  | { type: "drop"; algorithm: Algorithm }
  | { type: "predict"; algorithm: Algorithm; faces: FaceJob[]; limit: number }
  /**
   * The distance between two faces under an algorithm that needs no gallery to compare
   * them (LBPH: the chi-square between their histograms), for verify.
   */
  | { type: "compare"; algorithm: "lbph"; faces: [FaceJob, FaceJob] }
  /** Loads the descriptor network now (it loads on first use otherwise): a warm start. */
  | { type: "loadDescriptor" }
  /** Descriptors of aligned chips; with `png`, the chips compressed for storage too. */
  | { type: "embed"; chips: ChipJob[]; png: boolean }
  /** Descriptors of stored chips (PNG), to re-embed a gallery with a new model. */
  | { type: "embedPng"; pngs: Uint8Array[] };

/** What a training job returns: the model file, and its calibrated threshold if any. */
export interface Trained {
  bytes: Uint8Array;
  /** Faces the model was trained on. */
  faces: number;
  /** See {@link calibrate}; null: none. */
  threshold: number | null;
}

/** What each job of {@link RecognitionJob} returns, by its `type`. */
export interface RecognitionResults {
  faces: true;
  readFaces: true;
  forgetFaces: true;
  train: Trained;
  update: Trained;
  updateFrom: Trained;
  /** `true`, or with `share` the model on shared memory for `adopt`. */
  load: SharedModel | true;
  adopt: true;
  drop: true;
  /** Ranked candidates per face. */
  predict: Candidate[][];
  /** The distance between the two faces. */
  compare: number;
  loadDescriptor: true;
  embed: Embedded;
  embedPng: Embedded;
}

/** A pool of recognition workers. */
export type RecognitionPool = WorkerPool<RecognitionJob, RecognitionResults>;

const image = (f: FaceJob): FaceImage => ({ width: f.width, height: f.height, data: f.pixels });
const stored = (f: StoredFace): FaceImage => ({
  width: f.width,
  height: f.height,
  data: f.pixels,
});

/** Views into a packed training set (no copy). */
function unpack(p: PackedFaces): { images: FaceImage[]; labels: number[] } {
  const d = p.width * p.height;
  const images = Array.from(p.labels, (_, i) => ({
    width: p.width,
    height: p.height,
    data: p.pixels.subarray(i * d, (i + 1) * d),
  }));
  return { images, labels: Array.from(p.labels) };
}

/**
 * The unknown-face threshold for a batch-trained model (docs/RECOGNITION.md): Fisherfaces'
 * distances have no fixed scale, so it is calibrated on the training gallery itself, or set
 * by the gallery's size while the gallery is too small for that; Eigenfaces' grows with the
 * number of training faces. null: the algorithm's fixed default applies.
 */
function calibrate(
  model: Recognizer,
  images: readonly FaceImage[],
  labels: readonly number[],
): number | null {
  const size = { faces: labels.length, people: new Set(labels).size };
  if (model.algorithm === "eigen") return galleryThreshold("eigen", size);
  if (model.algorithm !== "fisher") return null;
  let calibrated: number | null = null;
  try {
    calibrated = selfCalibratedThreshold(model, images, labels);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  return fisherThreshold(size, calibrated);
}

// No input errors: the service checks every face and chip before it sends them, and the
// stored chips re-embedded here are ours; anything thrown here is a fault.
serveWorker<RecognitionJob, RecognitionResults>(() => {
  const models = new Map<Algorithm, Recognizer>();
  // The network costs about 150 MB per isolate: only workers that embed load it.
  let descriptor: Promise<FaceDescriptor> | undefined;
  // Imported on first use too: the trainers never pay for loading tfjs.
  const network = () =>
    descriptor ??= import("../recognition/face_descriptor.ts").then((m) =>
      m.FaceDescriptor.create()
    );
  const embedded = (vectors: Float32Array[], pngs: Uint8Array[]) =>
    transferable<Embedded>({ vectors, pngs }, [
      ...vectors.map((v) => v.buffer as ArrayBuffer),
      ...pngs.map((p) => p.buffer as ArrayBuffer),
    ]);
  let held: { images: FaceImage[]; labels: number[] } | undefined;
  const trained = async (model: Recognizer, save?: SaveTo, threshold: number | null = null) => {
    const bytes = model.save();
    if (save) {
      // Stored from here: the service's event loop never writes a 70 MB blob itself.
      await using gallery = await openGallery(save.gallery);
      await gallery.saveModel({
        algorithm: model.algorithm,
        bytes,
        generation: save.generation,
        faces: model.sampleCount,
        lastFaceId: save.lastFaceId,
        threshold,
      });
    }
    return transferable<Trained>({ bytes, faces: model.sampleCount, threshold }, [
      bytes.buffer as ArrayBuffer,
    ]);
  };
  return Promise.resolve(byType<RecognitionJob, RecognitionResults>({
    loadDescriptor: async () => {
      await network();
      return true as const;
    },
    embed: async (job) => {
      const net = await network();
      const chips: RgbImage[] = job.chips.map((c) => ({
        width: c.width,
        height: c.height,
        data: c.pixels,
      }));
      // One chip per pass: a batch is about 15% cheaper per chip, but its activations grow
      // the wasm heap by about 100 MB for good, in every worker.
      const vectors = chips.map((chip) => net.compute(chip));
      return embedded(vectors, job.png ? chips.map(encodeRgbPng) : []);
    },
    embedPng: async (job) => {
      const net = await network();
      const chips = job.pngs.map((png) => rgbaToRgb(decodeImage(png)));
      return embedded(chips.map((chip) => net.compute(chip)), []);
    },
    faces: (job) => {
      held = unpack(job.faces);
      return true;
    },
    readFaces: async (job) => {
      await using gallery = await openGallery(job.gallery, { readOnly: true });
      const faces = await gallery.faces(0, job.upToId);
      held = { images: faces.map(stored), labels: faces.map((f) => f.label) };
      return true as const;
    },
    updateFrom: async (job) => {
      await using gallery = await openGallery(job.gallery, { readOnly: true });
      const snapshot = await gallery.loadModel(job.algorithm);
      // From what the snapshot holds, not from job.afterId: on a shared gallery another
      // replica (the leader) stores them, and this one may not have stored its last update.
      const from = snapshot?.lastFaceId ?? 0;
      if (
        !snapshot || from > job.upToId || await gallery.countFacesUpTo(from) !== snapshot.faces
      ) {
        // None yet, newer than asked, or faces it holds were removed since: train afresh.
        const faces = await gallery.faces(0, job.upToId);
        const model = createRecognizer(job.algorithm);
        model.train(faces.map(stored), faces.map((f) => f.label));
        return await trained(model, job.save);
      }
      const fresh = await gallery.faces(from, job.upToId);
      const model = loadRecognizer(snapshot.bytes);
      // Nothing new when the stored snapshot (the leader's) already holds every face.
      if (fresh.length > 0) model.update(fresh.map(stored), fresh.map((f) => f.label));
      return await trained(model, job.save);
    },
    forgetFaces: () => {
      held = undefined;
      return true;
    },
    train: (job) => {
      const model = createRecognizer(job.algorithm);
      const set = job.faces
        ? { images: job.faces.map(image), labels: job.faces.map((f) => f.label ?? -1) }
        : held;
      if (!set) throw new Error("train: no faces given and none held");
      model.train(set.images, set.labels);
      return trained(model, job.save, calibrate(model, set.images, set.labels));
    },
    update: (job) => {
      const model = loadRecognizer(job.bytes);
      model.update(job.faces.map(image), job.faces.map((f) => f.label ?? -1));
      return trained(model, job.save);
    },
    load: (job) => {
      // Drop the old model first: holding both while decoding a large one doubles memory.
      // Predictions cannot run meanwhile anyway (this worker is busy with this job).
      models.delete(job.algorithm);
      const model = loadRecognizer(job.bytes, { inSharedMemory: job.share });
      models.set(job.algorithm, model);
      return job.share ? shareRecognizer(model) : true;
    },
    adopt: (job) => {
      models.delete(job.algorithm);
      models.set(job.algorithm, adoptRecognizer(job.model));
      return true;
    },
    drop: (job) => {
      models.delete(job.algorithm);
      return true;
    },
    compare: (job) => {
      // A one-face model: its only candidate's distance is the distance between the two.
      const model = createRecognizer(job.algorithm);
      model.train([image(job.faces[0])], [0]);
      const [candidate] = model.predict(image(job.faces[1]), 1);
      if (!candidate) throw new Error("compare: the one-face model gave no candidate");
      return candidate.distance;
    },
    predict: (job) => {
      const model = models.get(job.algorithm);
      if (!model) throw new Error(`no ${job.algorithm} model is loaded`);
      return job.faces.map((f) => model.predict(image(f), job.limit));
    },
  }));
});
