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
import { type GalleryStore, openGallery, type StoredFace } from "../gallery/mod.ts";
import type { FaceDescriptor } from "../recognition/face_descriptor.ts";
// Not imaging/mod.ts: that pulls in OpenCV-WASM (about 68 MiB per worker), which recognition
// never uses.
import { decodeImage } from "../imaging/decode.ts";
import { encodeRgbPng, rgbaToRgb } from "../imaging/encode.ts";
import type { RgbImage } from "../imaging/image.ts";
import type { WorkerPool } from "./worker_pool.ts";

/**
 * How this worker opens the gallery: the service checked the file's integrity when it opened
 * it, and checking it again for each job read all of it (about 0.5 s at 10,000 faces).
 */
const TRUSTED_READ = { readOnly: true, check: false } as const;

/** An aligned RGB chip as sent to this worker. */
export interface ChipJob {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** One descriptor per chip, and the chips as PNG when they are to be stored. */
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
  /**
   * Brings the incremental model up to the faces in (afterId, upToId], read from the file:
   * the model this worker holds when it is the one at `afterId`, else the stored snapshot,
   * else a fresh one. See {@link Updated}. `save` is the stamp of the result: a model read
   * or trained afresh is stored at once, faces added to a held one when `saveHeld` comes.
   */
  | {
    type: "updateFrom";
    algorithm: Algorithm;
    gallery: string;
    afterId: number;
    upToId: number;
    save?: SaveTo;
    /** Answer with the whole model even when only faces were added (to compact the copies). */
    whole?: boolean;
  }
  /** Reads the stored snapshot into this worker ahead of the first `updateFrom`. */
  | { type: "hold"; algorithm: Algorithm; gallery: string }
  /** Stores the held model if faces were added to it since it was last stored. */
  | { type: "saveHeld" }
  /** Adds faces to a loaded model (LBPH): what an `updateFrom` that said `added` added. */
  | { type: "append"; algorithm: Algorithm; faces: PackedFaces }
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
  /** Descriptors of aligned chips. */
  | { type: "embed"; chips: ChipJob[] }
  /** The chips compressed for storage (PNG). */
  | { type: "encodeChips"; chips: ChipJob[] }
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

/**
 * What an `updateFrom` job returns: the whole model, for the prediction workers to load, or,
 * when the model it updated is the one they already serve (at `afterId`), only the faces it
 * added, for them to `append`: a few KB instead of a 100 MB model at 10,000 faces.
 */
export type Updated =
  | ({ kind: "model" } & Trained)
  | { kind: "added"; faces: number; added: PackedFaces };

/** What each job of {@link RecognitionJob} returns, by its `type`. */
export interface RecognitionResults {
  faces: true;
  readFaces: true;
  forgetFaces: true;
  train: Trained;
  update: Trained;
  updateFrom: Updated;
  /** Whether a model is held. */
  hold: boolean;
  /** Whether it was stored (false: nothing new to store). */
  saveHeld: boolean;
  append: true;
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
  encodeChips: Uint8Array[];
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

const rgb = (c: ChipJob): RgbImage => ({ width: c.width, height: c.height, data: c.pixels });

/** Faces read from the gallery, packed into one transferable buffer. */
function pack(faces: readonly StoredFace[], width: number, height: number): PackedFaces {
  const d = width * height;
  const pixels = new Uint8Array(faces.length * d);
  faces.forEach((f, i) => pixels.set(f.pixels, i * d));
  return { width, height, labels: Int32Array.from(faces, (f) => f.label), pixels };
}

/**
 * Updates a throwaway model like `model`: compiles what the first real update runs (about
 * 50 ms the first time), so that the first enroll after a start does not wait for it.
 */
function warmUpdate(model: Recognizer): void {
  if (!model.supportsUpdate || !model.imageSize) return;
  const { width, height } = model.imageSize;
  const face = { width, height, data: new Uint8Array(width * height).map((_, i) => i) };
  const scratch = createRecognizer(model.algorithm);
  scratch.train([face], [0]);
  scratch.update([face], [1]);
}

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
  /**
   * The incremental model this worker updates, kept decoded between updates: decoding and
   * re-encoding a 10,000-face LBPH snapshot took about 2 s per enroll. `unsaved` is the
   * stamp to store it with when faces were added since it was stored.
   */
  let incremental: {
    gallery: string;
    algorithm: Algorithm;
    model: Recognizer;
    lastFaceId: number;
    unsaved: SaveTo | undefined;
  } | undefined;
  const store = async (
    model: Recognizer,
    save: SaveTo,
    threshold: number | null,
    bytes: Uint8Array,
  ) => {
    // Stored from here: the service's event loop never writes a 70 MB blob itself.
    await using gallery = await openGallery(save.gallery, { check: false });
    await gallery.saveModel({
      algorithm: model.algorithm,
      bytes,
      generation: save.generation,
      faces: model.sampleCount,
      lastFaceId: save.lastFaceId,
      threshold,
    });
  };
  const trained = async (model: Recognizer, save?: SaveTo, threshold: number | null = null) => {
    const bytes = model.save();
    if (save) await store(model, save, threshold, bytes);
    return transferable<Trained>({ bytes, faces: model.sampleCount, threshold }, [
      bytes.buffer as ArrayBuffer,
    ]);
  };
  /** {@link trained}, as the whole-model answer of an `updateFrom`. */
  const wholeModel = async (model: Recognizer, save?: SaveTo) => {
    const { result, transfer } = await trained(model, save);
    return transferable<Updated>({ kind: "model", ...result }, transfer);
  };
  /** The stored snapshot, decoded, when it still holds exactly the faces up to its stamp. */
  const readSnapshot = async (gallery: GalleryStore, algorithm: Algorithm) => {
    const snapshot = await gallery.loadModel(algorithm);
    if (!snapshot || await gallery.countFacesUpTo(snapshot.lastFaceId) !== snapshot.faces) {
      return undefined;
    }
    return { model: loadRecognizer(snapshot.bytes), lastFaceId: snapshot.lastFaceId };
  };
  return Promise.resolve(byType<RecognitionJob, RecognitionResults>({
    loadDescriptor: async () => {
      await network();
      // The chip's PNG encoder too: its first call takes about 50 ms (compiling), which the
      // first enroll would otherwise wait for.
      encodeRgbPng({ width: 150, height: 150, data: new Uint8Array(150 * 150 * 3) });
      return true as const;
    },
    embed: async (job) => {
      const net = await network();
      // One chip per pass: a batch is about 15% cheaper per chip, but its activations grow
      // the wasm heap by about 100 MB for good, in every worker.
      const vectors = job.chips.map((c) => net.compute(rgb(c)));
      return embedded(vectors, []);
    },
    encodeChips: (job) => {
      const pngs = job.chips.map((c) => encodeRgbPng(rgb(c)));
      return transferable(pngs, pngs.map((p) => p.buffer as ArrayBuffer));
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
      await using gallery = await openGallery(job.gallery, TRUSTED_READ);
      const faces = await gallery.faces(0, job.upToId);
      held = { images: faces.map(stored), labels: faces.map((f) => f.label) };
      return true as const;
    },
    updateFrom: async (job) => {
      await using gallery = await openGallery(job.gallery, TRUSTED_READ);
      let current = incremental?.gallery === job.gallery &&
          incremental.algorithm === job.algorithm
        ? incremental
        : undefined;
      // The snapshot when this worker holds nothing at `afterId`: a restart, a recycled
      // worker, or on a shared gallery the leader's, which may be ahead of this replica's.
      if (current?.lastFaceId !== job.afterId) {
        const snapshot = await readSnapshot(gallery, job.algorithm);
        current = snapshot && snapshot.lastFaceId <= job.upToId
          ? { gallery: job.gallery, algorithm: job.algorithm, ...snapshot, unsaved: undefined }
          : undefined;
      }
      if (!current) {
        // None stored, newer than asked, or faces it holds were removed since: train afresh.
        incremental = undefined;
        const faces = await gallery.faces(0, job.upToId);
        const model = createRecognizer(job.algorithm);
        model.train(faces.map(stored), faces.map((f) => f.label));
        incremental = {
          gallery: job.gallery,
          algorithm: job.algorithm,
          model,
          lastFaceId: job.upToId,
          unsaved: undefined,
        };
        return await wholeModel(model, job.save);
      }
      incremental = current;
      const fresh = await gallery.faces(current.lastFaceId, job.upToId);
      // Nothing new when the stored snapshot (the leader's) already holds every face.
      if (fresh.length > 0) current.model.update(fresh.map(stored), fresh.map((f) => f.label));
      const from = current.lastFaceId;
      current.lastFaceId = Math.max(from, job.upToId);
      if (job.save && (fresh.length > 0 || current.unsaved)) current.unsaved = job.save;
      if (from !== job.afterId || job.whole) {
        // The prediction workers serve an older model than this one: they need all of it.
        const result = await wholeModel(current.model, current.unsaved);
        current.unsaved = undefined;
        return result;
      }
      const size = current.model.imageSize ?? { width: 0, height: 0 };
      const added = pack(fresh, size.width, size.height);
      return transferable<Updated>(
        { kind: "added", faces: current.model.sampleCount, added },
        [added.pixels.buffer as ArrayBuffer, added.labels.buffer as ArrayBuffer],
      );
    },
    hold: async (job) => {
      if (incremental?.gallery === job.gallery && incremental.algorithm === job.algorithm) {
        return true;
      }
      await using gallery = await openGallery(job.gallery, TRUSTED_READ);
      const snapshot = await readSnapshot(gallery, job.algorithm);
      incremental = snapshot &&
        { gallery: job.gallery, algorithm: job.algorithm, ...snapshot, unsaved: undefined };
      if (incremental) warmUpdate(incremental.model);
      return incremental !== undefined;
    },
    saveHeld: async () => {
      const current = incremental;
      if (!current?.unsaved) return false;
      await store(current.model, current.unsaved, null, current.model.save());
      current.unsaved = undefined;
      return true;
    },
    append: (job) => {
      const model = models.get(job.algorithm);
      if (!model) throw new Error(`append: no ${job.algorithm} model is loaded`);
      const { images, labels } = unpack(job.faces);
      model.update(images, labels);
      return true;
    },
    forgetFaces: () => {
      held = undefined;
      return true;
    },
    train: (job) => {
      if (incremental?.algorithm === job.algorithm) incremental = undefined;
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
      warmUpdate(model);
      return job.share ? shareRecognizer(model) : true;
    },
    adopt: (job) => {
      models.delete(job.algorithm);
      const model = adoptRecognizer(job.model);
      models.set(job.algorithm, model);
      warmUpdate(model);
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
