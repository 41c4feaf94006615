/**
 * Keeps the three recognition models in step with the gallery, without ever making an
 * identify wait for a retrain that it does not need.
 *
 * - Training runs in a dedicated worker; predictions run in a separate pool, which keeps
 *   serving the previous model until the new one has been stored and handed over.
 * - Retrains are coalesced: one loop trains for the newest gallery generation; enroll
 *   requests wait until the generation they wrote has been trained.
 * - LBPH is updated incrementally when faces were only added since its last snapshot;
 *   Eigenfaces and Fisherfaces retrain on the whole gallery.
 * - Models are stored with the generation they were trained at, so a restart serves them
 *   straight away and only retrains what is stale.
 *
 * @module
 */
import type { Gallery, StoredFace } from "../gallery/mod.ts";
import type { AlgorithmName, ModelState } from "../protocol/messages.ts";
import type { Logger } from "./log.ts";
import type { WorkerPool } from "./worker_pool.ts";
import type { PackedFaces } from "./recognition_worker.ts";
import type { SharedModel } from "../recognition/mod.ts";

/** Algorithms in the order they are trained and reported. */
export const ALGORITHM_NAMES: readonly AlgorithmName[] = ["eigen", "fisher", "lbph"];

/** A ranked candidate as the prediction workers return it. */
export interface LabelCandidate {
  label: number;
  distance: number;
}

/** Raised when an algorithm cannot answer (nobody enrolled, Fisher with one person...). */
export class ModelNotReadyError extends Error {
  override name = "ModelNotReadyError";
}

interface Waiter {
  generation: number;
  resolve(): void;
}

interface Served {
  generation: number;
  faces: number;
  lastFaceId: number;
  /** Threshold calibrated on the gallery this model was trained on, if any. */
  threshold: number | null;
}

interface AlgorithmState {
  served: Served | undefined;
  /** Why it cannot be trained, when it cannot. */
  unavailable: string | undefined;
}

/** A face crop for prediction. */
export interface ProbeFace {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** See the module documentation. */
export class ModelManager {
  readonly #gallery: Gallery;
  readonly #trainer: WorkerPool;
  readonly #predictors: WorkerPool;
  readonly #log: Logger;
  readonly #states = new Map<AlgorithmName, AlgorithmState>();
  #trainedGeneration = -1;
  #loop: Promise<void> | undefined;
  #waiters: Waiter[] = [];
  #lastError: Error | undefined;
  #closed = false;

  constructor(gallery: Gallery, trainer: WorkerPool, predictors: WorkerPool, log: Logger) {
    this.#gallery = gallery;
    this.#trainer = trainer;
    this.#predictors = predictors;
    this.#log = log;
    for (const a of ALGORITHM_NAMES) {
      this.#states.set(a, { served: undefined, unavailable: undefined });
    }
  }

  /** Loads stored models into the prediction workers, then retrains whatever is stale. */
  async start(): Promise<void> {
    const generation = this.#gallery.generation();
    let current = true;
    for (const algorithm of ALGORITHM_NAMES) {
      const stored = this.#gallery.loadModel(algorithm);
      if (!stored) {
        current = false;
        continue;
      }
      try {
        await this.#loadPredictors(algorithm, stored.bytes);
        this.#state(algorithm).served = {
          generation: stored.generation,
          faces: stored.faces,
          lastFaceId: stored.lastFaceId,
          threshold: stored.threshold ?? null,
        };
        this.#log.info("model loaded", { algorithm, faces: stored.faces, generation });
        if (stored.generation !== generation) current = false;
      } catch (error) {
        this.#log.warn("stored model unusable, retraining", { algorithm, error });
        current = false;
      }
    }
    if (current || this.#gallery.counts().faces === 0) {
      this.#trainedGeneration = generation;
      this.#refreshAvailability();
    } else {
      this.#kick();
    }
  }

  #state(algorithm: AlgorithmName): AlgorithmState {
    return this.#states.get(algorithm)!;
  }

  #refreshAvailability(): void {
    const { people, faces } = this.#gallery.counts();
    this.#state("fisher").unavailable = people < 2
      ? `Fisherfaces needs at least 2 people enrolled; there ${
        people === 1 ? "is" : "are"
      } ${people}`
      : undefined;
    const none = faces === 0 ? "nobody is enrolled yet" : undefined;
    this.#state("eigen").unavailable = none;
    this.#state("lbph").unavailable = none;
    if (none) this.#state("fisher").unavailable = none;
  }

  /** Resolves once the models reflect at least gallery generation `generation`. */
  trained(generation: number): Promise<void> {
    if (this.#trainedGeneration >= generation) return Promise.resolve();
    const wait = new Promise<void>((resolve) => this.#waiters.push({ generation, resolve }));
    this.#kick();
    return wait;
  }

  /** The error of the last failed training run, if the last run failed. */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  #kick(): void {
    if (this.#loop || this.#closed) return;
    this.#loop = (async () => {
      try {
        while (!this.#closed && this.#trainedGeneration < this.#gallery.generation()) {
          const generation = this.#gallery.generation();
          try {
            const recycled = await this.#trainAll(generation);
            this.#lastError = undefined;
            // A fresh trainer: the old one's isolate still holds the gallery and training
            // buffers (hundreds of MB at 10,000 faces) until it would next allocate.
            if (!recycled) await this.#trainer.recycle();
          } catch (error) {
            this.#lastError = error instanceof Error ? error : new Error(String(error));
            this.#log.error("training failed", { generation, error });
          }
          this.#trainedGeneration = generation;
          this.#release();
        }
      } finally {
        this.#loop = undefined;
        this.#release();
      }
    })();
  }

  #release(): void {
    const still: Waiter[] = [];
    for (const w of this.#waiters) {
      if (this.#trainedGeneration >= w.generation || this.#closed) w.resolve();
      else still.push(w);
    }
    this.#waiters = still;
  }

  /** Trains every stale model; true when the trainer was already recycled on the way. */
  async #trainAll(generation: number): Promise<boolean> {
    this.#refreshAvailability();
    const lastFaceId = this.#gallery.lastFaceId();
    // The gallery goes to the trainer once per run, packed into one transferred buffer, and
    // is held there for the full retrains of this run only (10,000 faces are 100 MB).
    let sent = false;
    const releaseFaces = async () => {
      if (!sent) return;
      sent = false;
      await this.#trainer.run({ type: "forgetFaces" });
    };
    const sendFaces = async () => {
      if (sent) return;
      if (this.#fileBacked) {
        await this.#trainer.run({
          type: "readFaces",
          gallery: this.#gallery.path,
          upToId: lastFaceId,
        });
      } else {
        const faces = packFaces(this.#gallery.faces());
        await this.#trainer.run({ type: "faces", faces }, [faces.pixels.buffer as ArrayBuffer]);
      }
      sent = true;
    };
    try {
      return await this.#trainEach(generation, lastFaceId, sendFaces, releaseFaces);
    } finally {
      await releaseFaces().catch(() => {});
    }
  }

  async #trainEach(
    generation: number,
    lastFaceId: number,
    sendFaces: () => Promise<void>,
    releaseFaces: () => Promise<void>,
  ): Promise<boolean> {
    // File-backed galleries: the trainer stores each model itself.
    const save = this.#fileBacked
      ? { gallery: this.#gallery.path, generation, lastFaceId }
      : undefined;
    let recycled = false;
    for (const [index, algorithm] of ALGORITHM_NAMES.entries()) {
      const state = this.#state(algorithm);
      if (state.unavailable) {
        if (state.served) {
          await this.#predictors.broadcast({ type: "drop", algorithm });
          this.#gallery.dropModel(algorithm);
          state.served = undefined;
        }
        continue;
      }
      const started = performance.now();
      const served = state.served;
      let result: { bytes: Uint8Array; faces: number; threshold?: number | null };
      let mode: string;
      if (algorithm === "lbph" && served && this.#onlyAddedSince(served) && this.#fileBacked) {
        await releaseFaces(); // LBPH comes last and reads only the new faces
        result = await this.#trainer.run({
          type: "updateFrom",
          algorithm,
          gallery: this.#gallery.path,
          afterId: served.lastFaceId,
          upToId: lastFaceId,
          save,
        });
        mode = `update +${result.faces - served.faces}`;
      } else if (algorithm === "lbph" && served && this.#onlyAddedSince(served)) {
        const fresh = this.#gallery.faces(served.lastFaceId);
        const stored = this.#gallery.loadModel(algorithm);
        if (!stored) throw new Error("LBPH snapshot vanished from the gallery");
        result = await this.#trainer.run({
          type: "update",
          algorithm,
          bytes: stored.bytes,
          faces: fresh,
        }, ownBuffer(stored.bytes));
        mode = `update +${fresh.length}`;
      } else {
        await sendFaces();
        result = await this.#trainer.run({ type: "train", algorithm, save });
        mode = "full";
      }
      if (!save) {
        this.#gallery.saveModel({
          algorithm,
          bytes: result.bytes,
          generation,
          faces: result.faces,
          lastFaceId,
          threshold: result.threshold ?? null,
        });
      }
      const bytes = result.bytes.length;
      // After the last model of the run, free the trainer's isolate (its arena and the
      // gallery it read) before a predictor decodes the new model next to the old one:
      // that moment is the run's memory peak.
      if (index === ALGORITHM_NAMES.length - 1) {
        await this.#trainer.recycle();
        recycled = true;
      }
      await this.#loadPredictors(algorithm, result.bytes);
      state.served = {
        generation,
        faces: result.faces,
        lastFaceId,
        threshold: result.threshold ?? null,
      };
      this.#log.info("model trained", {
        algorithm,
        mode,
        faces: result.faces,
        ms: Math.round(performance.now() - started),
        bytes,
        ...(result.threshold == null ? {} : { threshold: result.threshold.toFixed(1) }),
      });
    }
    return recycled;
  }

  /**
   * Swaps a model into the prediction workers: the first decodes it into shared memory and
   * the others adopt that one copy (a 10,000-face LBPH model is about 100 MB per copy).
   * Only one worker is busy decoding (about a second at that size); the others keep serving
   * the previous model meanwhile. `bytes` is handed over (transferred) when it owns its
   * buffer: the caller must not use it afterwards.
   */
  async #loadPredictors(algorithm: AlgorithmName, bytes: Uint8Array): Promise<void> {
    const size = this.#predictors.size;
    const model = await this.#predictors.runOn<SharedModel | true>(0, {
      type: "load",
      algorithm,
      bytes,
      share: size > 1,
    }, ownBuffer(bytes));
    if (model === true) return;
    for (let i = 1; i < size; i++) {
      await this.#predictors.runOn(i, { type: "adopt", algorithm, model });
    }
  }

  /**
   * Whether the trainer can open the gallery file itself (the main thread then never
   * reads the whole gallery: 100 MB and a few hundred ms at 10,000 faces).
   */
  get #fileBacked(): boolean {
    return this.#gallery.path !== ":memory:" && this.#gallery.path !== "";
  }

  /** True when no face the model was trained on has been removed since. */
  #onlyAddedSince(served: Served): boolean {
    return this.#gallery.countFacesUpTo(served.lastFaceId) === served.faces;
  }

  /** Model state of every algorithm, for replies and stats. */
  states(): ModelState[] {
    const generation = this.#gallery.generation();
    return ALGORITHM_NAMES.map((algorithm) => {
      const s = this.#state(algorithm);
      if (s.unavailable) {
        return { algorithm, state: "unavailable", faces: 0, message: s.unavailable };
      }
      if (!s.served) return { algorithm, state: "untrained", faces: 0 };
      return {
        algorithm,
        state: s.served.generation === generation ? "ready" : "stale",
        faces: s.served.faces,
        ...(s.served.threshold === null ? {} : { threshold: s.served.threshold }),
      };
    });
  }

  /**
   * Ranked candidates for each face, and the threshold calibrated for the model that
   * answered (null: none). Serves the current model even while a retrain is running; waits
   * for training only when there is no model at all yet.
   */
  async predict(
    algorithm: AlgorithmName,
    faces: ProbeFace[],
    limit = 5,
  ): Promise<{ ranked: LabelCandidate[][]; threshold: number | null }> {
    const state = this.#state(algorithm);
    if (!state.served && !state.unavailable && this.#gallery.counts().faces > 0) {
      await this.trained(this.#gallery.generation());
    }
    this.#refreshAvailability();
    if (state.unavailable) throw new ModelNotReadyError(state.unavailable);
    if (!state.served) {
      throw new ModelNotReadyError(
        `the ${algorithm} model is not trained${
          this.#lastError ? `: ${this.#lastError.message}` : ""
        }`,
      );
    }
    // Copies: the pixels are views into the request frame, which would otherwise be cloned
    // into the worker whole.
    const own = faces.map((f) => ({ width: f.width, height: f.height, pixels: f.pixels.slice() }));
    // Read before the call: the model a prediction runs on is never newer than this state.
    const threshold = state.served.threshold;
    const ranked = await this.#predictors.run<LabelCandidate[][]>(
      { type: "predict", algorithm, faces: own, limit },
      own.map((f) => f.pixels.buffer),
    );
    return { ranked, threshold };
  }

  /** Waits for a running training loop to finish; later kicks are ignored. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#loop;
    this.#release();
  }
}

/** Packs stored faces (all of one size, as the recognizer enforces) for the trainer. */
function packFaces(faces: StoredFace[]): PackedFaces {
  const width = faces[0]?.width ?? 0, height = faces[0]?.height ?? 0, d = width * height;
  const pixels = new Uint8Array(faces.length * d);
  const labels = new Int32Array(faces.length);
  faces.forEach((f, i) => {
    if (f.pixels.length !== d) {
      throw new RangeError(`face ${f.id}: expected ${width}x${height}, got ${f.width}x${f.height}`);
    }
    pixels.set(f.pixels, i * d);
    labels[i] = f.label;
  });
  return { width, height, labels, pixels };
}

/** `bytes`'s buffer as a transfer list when `bytes` spans all of it (else copy: []). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer[] {
  const buffer = bytes.buffer;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 &&
      bytes.byteLength === buffer.byteLength
    ? [buffer]
    : [];
}
