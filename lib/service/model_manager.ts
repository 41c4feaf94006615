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
        await this.#predictors.broadcast({ type: "load", algorithm, bytes: stored.bytes });
        this.#state(algorithm).served = {
          generation: stored.generation,
          faces: stored.faces,
          lastFaceId: stored.lastFaceId,
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
            await this.#trainAll(generation);
            this.#lastError = undefined;
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

  async #trainAll(generation: number): Promise<void> {
    this.#refreshAvailability();
    const lastFaceId = this.#gallery.lastFaceId();
    let all: StoredFace[] | undefined;
    const faces = () => (all ??= this.#gallery.faces());
    for (const algorithm of ALGORITHM_NAMES) {
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
      let result: { bytes: Uint8Array; faces: number };
      let mode: string;
      if (algorithm === "lbph" && served && this.#onlyAddedSince(served)) {
        const fresh = this.#gallery.faces(served.lastFaceId);
        const stored = this.#gallery.loadModel(algorithm);
        if (!stored) throw new Error("LBPH snapshot vanished from the gallery");
        result = await this.#trainer.run({
          type: "update",
          algorithm,
          bytes: stored.bytes,
          faces: fresh,
        });
        mode = `update +${fresh.length}`;
      } else {
        result = await this.#trainer.run({ type: "train", algorithm, faces: faces() });
        mode = "full";
      }
      this.#gallery.saveModel({
        algorithm,
        bytes: result.bytes,
        generation,
        faces: result.faces,
        lastFaceId,
      });
      await this.#predictors.broadcast({ type: "load", algorithm, bytes: result.bytes });
      state.served = { generation, faces: result.faces, lastFaceId };
      this.#log.info("model trained", {
        algorithm,
        mode,
        faces: result.faces,
        ms: Math.round(performance.now() - started),
        bytes: result.bytes.length,
      });
    }
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
      };
    });
  }

  /**
   * Ranked candidates for each face. Serves the current model even while a retrain is
   * running; waits for training only when there is no model at all yet.
   */
  async predict(
    algorithm: AlgorithmName,
    faces: ProbeFace[],
    limit = 5,
  ): Promise<LabelCandidate[][]> {
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
    return await this.#predictors.run<LabelCandidate[][]>(
      { type: "predict", algorithm, faces: own, limit },
      own.map((f) => f.pixels.buffer),
    );
  }

  /** Waits for a running training loop to finish; later kicks are ignored. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#loop;
    this.#release();
  }
}
