/**
 * Keeps the classic recognition models (Eigenfaces, Fisherfaces, LBPH) in step with the
 * gallery, each on its own, without ever making an identify wait for a retrain it does not
 * need.
 *
 * - Models are independent: each trains, fails and reports on its own. One that cannot be
 *   trained on this gallery says why in words ("fisher needs 2 people and more faces than
 *   people; has 2 people with 1 face each"), and its failure never delays or blocks another.
 * - Two lanes, each with its own training worker and its own coalescing loop:
 *   - the incremental lane updates LBPH with only the faces added since its snapshot, in
 *     milliseconds, so an enroll is acknowledged once LBPH includes its faces;
 *   - the batch lane retrains Eigenfaces and Fisherfaces on the whole gallery, in the
 *     background: replies say `training` meanwhile, and the previous model keeps serving.
 * - Predictions run in a separate pool, which serves the previous model until the new one
 *   has been stored and handed over.
 * - Models are stored with the generation they were trained at, so a restart serves them
 *   straight away and only retrains what is stale.
 * - The trainers read the gallery themselves (they open its location): the service's event
 *   loop never reads or copies the whole gallery (100 MB at 10,000 faces).
 * - The gallery's generation and face counts per person are cached here and refreshed by
 *   each training run (and by {@link ModelManager.refresh}): a prediction never waits for
 *   the database, so a replica whose shared database is down keeps answering identify.
 *
 * @module
 */
import type { GalleryStore } from "../gallery/mod.ts";
import { CLASSIC_ALGORITHMS, type ClassicAlgorithm } from "../core/algorithms.ts";
import type { ModelState } from "../protocol/messages.ts";
import { DEFAULT_THRESHOLDS, FISHER_CALIBRATION, fisherCalibrates } from "../recognition/mod.ts";
import { ModelNotReadyError } from "./errors.ts";
import type { Logger } from "./log.ts";
import type { RecognitionPool, Trained } from "./recognition_worker.ts";

/** The algorithms that update in place, with only the new faces: the incremental lane. */
const INCREMENTAL: readonly ClassicAlgorithm[] = ["lbph"];

/**
 * How long the incremental lane stays idle before its model is stored. An enroll is answered
 * once the faces are in the gallery and in the served model; the snapshot is only a cache
 * (a restart adds the faces stored after it), and writing it takes about 1.4 s at 10,000
 * faces, so it is written once enrolling pauses rather than for every enroll.
 */
const SNAPSHOT_IDLE_MS = 10_000;
/**
 * How long the batch lane waits after an enroll or forget before it retrains Eigenfaces and
 * Fisherfaces, so that a run of enrolls costs one retrain (about 30 s of a core at 10,000
 * faces) started after it, not one racing the enrolls that follow for the CPU. An enroll
 * with `wait` starts it at once.
 */
const BATCH_DELAY_MS = 2_000;
/** Faces added since the last snapshot that make it be written without waiting for a pause. */
const SNAPSHOT_MAX_UNSAVED = 2_000;
/**
 * Faces appended to the served model in each prediction worker (each keeps its own copy of
 * them) after which the next update reloads the whole model there, as one shared copy.
 */
const APPENDED_MAX = 2_000;

/** A ranked candidate as the prediction workers return it. */
export interface LabelCandidate {
  label: number;
  distance: number;
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
  /** Faces appended in each prediction worker since the model was loaded there. */
  appended?: number;
}

interface AlgorithmState {
  served: Served | undefined;
  /** Why it cannot be trained on this gallery, when it cannot. */
  unavailable: string | undefined;
  /** Why its last training run failed, until one succeeds. */
  failed: string | undefined;
}

/** A face crop for prediction. */
export interface ProbeFace {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** The two training workers: one per lane. */
export interface Trainers {
  /** Updates LBPH incrementally (and retrains it after a removal). */
  incremental: RecognitionPool;
  /** Retrains Eigenfaces and Fisherfaces on the whole gallery. */
  batch: RecognitionPool;
}

/**
 * Why an algorithm cannot be trained on a gallery with these face counts per person, or
 * undefined when it can.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { unavailableReason } from "./model_manager.ts";
 * assert.equal(
 *   unavailableReason("fisher", [1, 1]),
 *   "fisher needs 2 people and more faces than people (one person with 2 faces); " +
 *     "has 2 people with 1 face each",
 * );
 * assert.equal(unavailableReason("lbph", [1, 1]), undefined);
 * ```
 */
export function unavailableReason(
  algorithm: ClassicAlgorithm,
  facesPerPerson: readonly number[],
): string | undefined {
  const people = facesPerPerson.filter((n) => n > 0).length;
  const faces = facesPerPerson.reduce((a, n) => a + n, 0);
  if (faces === 0) return "nobody is enrolled yet";
  const has = `has ${people} ${people === 1 ? "person" : "people"} with ${
    people === faces ? `1 face${people === 1 ? "" : " each"}` : `${faces} faces`
  }`;
  switch (algorithm) {
    case "lbph":
      return undefined;
    case "eigen":
      // With one person every distance compares a face with that person only: the nearest
      // is always them, so the model would name everybody. It refuses to guess instead.
      return people < 2 ? `eigen needs at least 2 people to tell apart; ${has}` : undefined;
    case "fisher":
      return people < 2 || faces <= people
        ? `fisher needs 2 people and more faces than people (one person with 2 faces); ${has}`
        : undefined;
  }
}

/** One lane: its algorithms, its trainer, and the generation they were last trained at. */
class Lane {
  readonly algorithms: readonly ClassicAlgorithm[];
  readonly trainer: RecognitionPool;
  trainedGeneration = -1;
  running = false;
  loop: Promise<void> | undefined;
  /** A run scheduled to start after {@link BATCH_DELAY_MS}. */
  delayed: ReturnType<typeof setTimeout> | undefined;
  waiters: Waiter[] = [];

  constructor(algorithms: readonly ClassicAlgorithm[], trainer: RecognitionPool) {
    this.algorithms = algorithms;
    this.trainer = trainer;
  }

  /** A run is under way or scheduled. */
  get busy(): boolean {
    return this.loop !== undefined || this.delayed !== undefined;
  }

  /** Drops a scheduled run (it is about to start, or the manager is closing). */
  undelay(): void {
    if (this.delayed !== undefined) clearTimeout(this.delayed);
    this.delayed = undefined;
  }

  release(closed: boolean): void {
    const still: Waiter[] = [];
    for (const w of this.waiters) {
      if (this.trainedGeneration >= w.generation || closed) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
  }
}

/** See the module documentation. */
export class ModelManager {
  readonly #gallery: GalleryStore;
  readonly #predictors: RecognitionPool;
  readonly #log: Logger;
  readonly #states = new Map<ClassicAlgorithm, AlgorithmState>();
  readonly #incremental: Lane;
  readonly #batch: Lane;
  #closed = false;
  /** The gallery generation last read or written. */
  #generation = 0;
  /** Faces per person, as last read. */
  #perPerson: number[] = [];
  /**
   * Whether this replica retrains the batch models and stores snapshots. Always, on a
   * gallery of its own; on a shared one, only the replica holding the gallery's leader
   * lock: the others load the snapshots it stores.
   */
  #leader = true;
  /** Faces added to the incremental model since it was last stored. */
  #unsaved = 0;
  #snapshotTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #snapshotIdleMs: number;
  readonly #batchDelayMs: number;

  /**
   * `snapshotIdleMs` and `batchDelayMs`: see {@link SNAPSHOT_IDLE_MS} and
   * {@link BATCH_DELAY_MS} (tests shorten or lengthen them).
   */
  constructor(
    gallery: GalleryStore,
    trainers: Trainers,
    predictors: RecognitionPool,
    log: Logger,
    options: { snapshotIdleMs?: number; batchDelayMs?: number } = {},
  ) {
    this.#snapshotIdleMs = options.snapshotIdleMs ?? SNAPSHOT_IDLE_MS;
    this.#batchDelayMs = options.batchDelayMs ?? BATCH_DELAY_MS;
    if (gallery.location === ":memory:" || gallery.location === "") {
      throw new TypeError("ModelManager: expected a gallery file the trainers can open");
    }
    this.#gallery = gallery;
    this.#predictors = predictors;
    this.#log = log;
    this.#incremental = new Lane(INCREMENTAL, trainers.incremental);
    // Every other classic algorithm retrains on the whole gallery.
    const batch = CLASSIC_ALGORITHMS.filter((a) => !INCREMENTAL.includes(a));
    this.#batch = new Lane(batch, trainers.batch);
    for (const a of CLASSIC_ALGORITHMS) {
      this.#states.set(a, { served: undefined, unavailable: undefined, failed: undefined });
    }
  }

  get #lanes(): Lane[] {
    return [this.#incremental, this.#batch];
  }

  /** Loads stored models into the prediction workers, then retrains whatever is stale. */
  async start(): Promise<void> {
    await this.refresh();
    const generation = this.#generation;
    for (const lane of this.#lanes) {
      let current = true;
      for (const algorithm of lane.algorithms) {
        const stored = await this.#gallery.loadModel(algorithm);
        if (!stored) {
          if (!this.#state(algorithm).unavailable) current = false;
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
      if (current) lane.trainedGeneration = generation;
      else this.#kick(lane);
    }
    this.#hold();
  }

  /**
   * Has the updater read the stored incremental model now, in the background, rather than
   * on the first enroll (about 1 s at 10,000 faces). Jobs queued after it wait for it.
   */
  #hold(): void {
    for (const algorithm of INCREMENTAL) {
      if (!this.#state(algorithm).served) continue;
      this.#incremental.trainer.run({ type: "hold", algorithm, gallery: this.#gallery.location })
        .catch((error) => {
          if (!this.#closed) {
            this.#log.warn("cannot read the stored model ahead", { algorithm, error });
          }
        });
    }
  }

  #state(algorithm: ClassicAlgorithm): AlgorithmState {
    return this.#states.get(algorithm)!;
  }

  /**
   * Makes this replica the one that retrains Eigenfaces and Fisherfaces (or not). A new
   * leader retrains whatever is stale.
   */
  setLeader(leader: boolean): void {
    if (leader === this.#leader) return;
    this.#leader = leader;
    this.#log.info(
      leader ? "leading batch retrains" : "following: batch models come from the leader",
    );
    if (leader) {
      this.#batch.trainedGeneration = -1;
      this.#kick(this.#batch);
    }
  }

  /** Whether this replica retrains the batch models. */
  get leader(): boolean {
    return this.#leader;
  }

  /**
   * The gallery changed through another replica (or may have): re-reads its state, brings
   * LBPH up to date and, with `snapshots` on a follower, loads newer stored snapshots.
   */
  async synchronize(options: { snapshots?: boolean } = {}): Promise<void> {
    await this.refresh();
    this.#kick(this.#incremental);
    // A follower re-reads the stored snapshots only when it may have missed their
    // notification (they are large: reading them on every change would be waste).
    if (!this.#leader && options.snapshots) this.#batch.trainedGeneration = -1;
    this.#kick(this.#batch);
  }

  /** A snapshot was stored by another replica: a follower loads it if it is newer. */
  modelStored(algorithm: string, generation: number): void {
    if (this.#leader || !this.#batch.algorithms.includes(algorithm as ClassicAlgorithm)) return;
    const served = this.#state(algorithm as ClassicAlgorithm).served;
    if (served && served.generation >= generation) return;
    this.#batch.trainedGeneration = -1;
    this.#kick(this.#batch);
  }

  /** Re-reads the gallery's generation and face counts (the cache predictions use). */
  async refresh(): Promise<void> {
    const [generation, counts] = await Promise.all([
      this.#gallery.generation(),
      this.#gallery.faceCounts(),
    ]);
    this.#note(generation);
    this.#perPerson = counts;
    this.#refreshAvailability();
  }

  #note(generation: number): void {
    if (generation > this.#generation) this.#generation = generation;
  }

  #refreshAvailability(): void {
    for (const algorithm of CLASSIC_ALGORITHMS) {
      this.#state(algorithm).unavailable = unavailableReason(algorithm, this.#perPerson);
    }
  }

  /** Resolves once every classic model reflects at least gallery generation `generation`. */
  trained(generation: number): Promise<void> {
    this.#note(generation);
    return Promise.all(this.#lanes.map((lane) => this.#wait(lane, generation))).then(() => {});
  }

  /**
   * Resolves once the incremental models (LBPH) reflect `generation`, and starts the
   * background retrain of the others: what an enroll or forget waits for.
   */
  updated(generation: number): Promise<void> {
    this.#note(generation);
    const batch = this.#batch;
    if (!batch.loop && !this.#closed) {
      batch.undelay();
      batch.delayed = setTimeout(() => {
        batch.delayed = undefined;
        this.#kick(batch);
      }, this.#batchDelayMs);
    }
    return this.#wait(this.#incremental, generation);
  }

  #wait(lane: Lane, generation: number): Promise<void> {
    if (lane.trainedGeneration >= generation || this.#closed) return Promise.resolve();
    const wait = new Promise<void>((resolve) => lane.waiters.push({ generation, resolve }));
    this.#kick(lane);
    return wait;
  }

  #kick(lane: Lane): void {
    lane.undelay();
    // Nothing to train: return here, as a loop that never awaits would run its `finally`
    // before `lane.loop` is assigned, leaving the lane marked busy forever (an enroll of
    // duplicates only, e.g. a resent one, kicks an up-to-date lane).
    if (lane.loop || this.#closed || lane.trainedGeneration >= this.#generation) return;
    lane.loop = (async () => {
      try {
        while (!this.#closed && lane.trainedGeneration < this.#generation) {
          await this.refresh();
          const generation = this.#generation;
          lane.running = true;
          const full = await this.#train(lane, generation);
          lane.trainedGeneration = generation;
          lane.running = false;
          lane.release(this.#closed);
          // A fresh trainer after a full retrain: the old isolate still holds the gallery and
          // training buffers (hundreds of MB at 10,000 faces) until it would next allocate.
          // After the waiters are released, so no reply waits for it.
          if (full) {
            await lane.trainer.recycle();
            if (lane === this.#incremental) this.#hold();
          }
        }
      } catch (error) {
        // The gallery could not be read (a shared database that went away): the waiters
        // are answered now, with the models as they are, rather than left hanging.
        this.#log.error("training loop failed", { error });
        lane.release(true);
      } finally {
        lane.running = false;
        lane.loop = undefined;
        lane.release(this.#closed);
      }
    })();
  }

  /**
   * Trains every algorithm of the lane for `generation`, each on its own: a failure is
   * recorded for that algorithm and the others go on. True when a full retrain ran.
   */
  async #train(lane: Lane, generation: number): Promise<boolean> {
    if (lane === this.#batch && !this.#leader) {
      await this.#adoptStored(lane);
      return false;
    }
    const lastFaceId = await this.#gallery.lastFaceId();
    // Only the leader stores snapshots: a follower's LBPH updates start from the leader's.
    const save = this.#leader
      ? { gallery: this.#gallery.location, generation, lastFaceId }
      : undefined;
    let held = false, full = false;
    try {
      for (const algorithm of lane.algorithms) {
        const state = this.#state(algorithm);
        if (state.unavailable) {
          state.failed = undefined;
          if (state.served) {
            await this.#predictors.broadcast({ type: "drop", algorithm });
            await this.#gallery.dropModel(algorithm);
            state.served = undefined;
          }
          continue;
        }
        const started = performance.now();
        const served = state.served;
        try {
          let result: Trained;
          let mode: string;
          if (INCREMENTAL.includes(algorithm) && served && await this.#onlyAddedSince(served)) {
            const updated = await lane.trainer.run({
              type: "updateFrom",
              algorithm,
              gallery: this.#gallery.location,
              afterId: served.lastFaceId,
              upToId: lastFaceId,
              save,
              whole: (served.appended ?? 0) >= APPENDED_MAX,
            });
            mode = `update +${updated.faces - served.faces}`;
            if (updated.kind === "added") {
              const added = updated.added.labels.length;
              if (added > 0) {
                await this.#predictors.broadcast({
                  type: "append",
                  algorithm,
                  faces: updated.added,
                });
              }
              state.served = {
                generation,
                faces: updated.faces,
                lastFaceId,
                threshold: null,
                appended: (served.appended ?? 0) + added,
              };
              state.failed = undefined;
              if (save && added > 0) this.#unsavedAdded(added);
              this.#log.info("model updated", {
                algorithm,
                mode,
                faces: updated.faces,
                ms: Math.round(performance.now() - started),
              });
              continue;
            }
            result = updated;
            this.#unsaved = 0; // a whole model is stored as it is answered
          } else {
            if (!held) {
              // The gallery is read once per run and held for this run's retrains only.
              await lane.trainer.run({
                type: "readFaces",
                gallery: this.#gallery.location,
                upToId: lastFaceId,
              });
              held = true;
            }
            result = await lane.trainer.run({ type: "train", algorithm, save });
            mode = "full";
            full = true;
            if (INCREMENTAL.includes(algorithm)) this.#unsaved = 0;
          }
          const bytes = result.bytes.length;
          await this.#loadPredictors(algorithm, result.bytes);
          state.served = {
            generation,
            faces: result.faces,
            lastFaceId,
            threshold: result.threshold ?? null,
          };
          state.failed = undefined;
          this.#log.info("model trained", {
            algorithm,
            mode,
            faces: result.faces,
            ms: Math.round(performance.now() - started),
            bytes,
            ...(result.threshold == null ? {} : { threshold: result.threshold.toFixed(1) }),
          });
        } catch (error) {
          state.failed = error instanceof Error ? error.message : String(error);
          this.#log.error("training failed", { algorithm, generation, error });
        }
      }
    } finally {
      if (held) await lane.trainer.run({ type: "forgetFaces" }).catch(() => {});
    }
    return full;
  }

  /** Counts faces added to the held model and schedules storing it (the leader only). */
  #unsavedAdded(faces: number): void {
    this.#unsaved += faces;
    if (this.#snapshotTimer !== undefined) clearTimeout(this.#snapshotTimer);
    this.#snapshotTimer = undefined;
    if (this.#unsaved >= SNAPSHOT_MAX_UNSAVED) {
      void this.#saveSnapshot();
      return;
    }
    this.#snapshotTimer = setTimeout(() => {
      this.#snapshotTimer = undefined;
      void this.#saveSnapshot();
    }, this.#snapshotIdleMs);
  }

  /**
   * Stores the held incremental model. Queued on the updater after any update in flight, so
   * it stores the newest state; an enroll arriving meanwhile waits for it.
   */
  async #saveSnapshot(): Promise<void> {
    if (this.#unsaved === 0) return;
    const faces = this.#unsaved;
    this.#unsaved = 0;
    const started = performance.now();
    try {
      if (await this.#incremental.trainer.run({ type: "saveHeld" })) {
        this.#log.info("model stored", {
          algorithm: INCREMENTAL.join(","),
          added: faces,
          ms: Math.round(performance.now() - started),
        });
      }
    } catch (error) {
      this.#unsaved += faces;
      this.#log.warn("cannot store the incremental model; a restart re-adds its faces", {
        error,
      });
    }
  }

  /**
   * Swaps a model into the prediction workers: the first decodes it into shared memory and
   * the others adopt that one copy (a 10,000-face LBPH model is about 100 MB per copy).
   * Only one worker is busy decoding (about a second at that size); the others keep serving
   * the previous model meanwhile. `bytes` is handed over (transferred) when it owns its
   * buffer: the caller must not use it afterwards.
   */
  async #loadPredictors(algorithm: ClassicAlgorithm, bytes: Uint8Array): Promise<void> {
    const size = this.#predictors.size;
    const model = await this.#predictors.runOn(0, {
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

  /** A follower's batch lane: serve the leader's stored snapshots when they are newer. */
  async #adoptStored(lane: Lane): Promise<void> {
    for (const algorithm of lane.algorithms) {
      const state = this.#state(algorithm);
      if (state.unavailable) {
        if (state.served) {
          await this.#predictors.broadcast({ type: "drop", algorithm });
          state.served = undefined;
        }
        continue;
      }
      try {
        // The stamp first: the snapshot itself is large, and usually not newer.
        const stamp = await this.#gallery.modelGeneration(algorithm);
        if (stamp === undefined || (state.served && state.served.generation >= stamp)) continue;
        const stored = await this.#gallery.loadModel(algorithm);
        if (!stored) continue;
        await this.#loadPredictors(algorithm, stored.bytes);
        state.served = {
          generation: stored.generation,
          faces: stored.faces,
          lastFaceId: stored.lastFaceId,
          threshold: stored.threshold ?? null,
        };
        state.failed = undefined;
        this.#log.info("model loaded from the leader", {
          algorithm,
          faces: stored.faces,
          generation: stored.generation,
        });
      } catch (error) {
        state.failed = error instanceof Error ? error.message : String(error);
        this.#log.warn("cannot load a stored model", { algorithm, error });
      }
    }
  }

  /** True when no face the model was trained on has been removed since. */
  async #onlyAddedSince(served: Served): Promise<boolean> {
    return await this.#gallery.countFacesUpTo(served.lastFaceId) === served.faces;
  }

  #lane(algorithm: ClassicAlgorithm): Lane {
    return this.#incremental.algorithms.includes(algorithm) ? this.#incremental : this.#batch;
  }

  /**
   * Model state of every classic algorithm, for replies and stats. `training` while a run
   * for a newer gallery is under way (the previous model serves meanwhile); `stale` when
   * the served model is behind and its last run failed, with the reason.
   */
  states(): ModelState[] {
    const generation = this.#generation;
    // From the cached counts, as the rest of this state: never a database read.
    const people = () => this.#perPerson.filter((n) => n > 0).length;
    return CLASSIC_ALGORITHMS.map((algorithm): ModelState => {
      const s = this.#state(algorithm);
      if (s.unavailable) {
        return { algorithm, state: "unavailable", faces: 0, message: s.unavailable };
      }
      const lane = this.#lane(algorithm);
      const behind = !s.served || s.served.generation !== generation;
      const threshold = s.served?.threshold ?? DEFAULT_THRESHOLDS[algorithm];
      const failed = s.failed ? `the last training failed: ${s.failed}` : undefined;
      const uncalibrated = algorithm === "fisher" && s.served &&
          (s.served.threshold == null || !fisherCalibrates(s.served.faces, people()))
        ? `the threshold is calibrated on galleries of at least ${FISHER_CALIBRATION.people} ` +
          `people and ${FISHER_CALIBRATION.faces} faces; this one has ${people()} and ` +
          `${s.served.faces}, so it is the small-gallery default ${threshold}`
        : undefined;
      if (!s.served) {
        const training = lane.running || lane.busy;
        const message = failed ??
          (lane.delayed !== undefined
            ? `${algorithm} trains once enrolling pauses for ${this.#batchDelayMs / 1000} s`
            : training
            ? `${algorithm} is training for the first time`
            : undefined);
        return {
          algorithm,
          state: training ? "training" : "untrained",
          faces: 0,
          ...(message ? { message } : {}),
        };
      }
      return {
        algorithm,
        state: !behind ? "ready" : lane.busy && !s.failed ? "training" : "stale",
        faces: s.served.faces,
        threshold,
        ...(failed ?? uncalibrated ? { message: failed ?? uncalibrated } : {}),
      };
    });
  }

  /**
   * Ranked candidates for each face, and the threshold calibrated for the model that
   * answered (null: none). Serves the current model even while a retrain is running; waits
   * for training only when there is no model at all yet.
   */
  async predict(
    algorithm: ClassicAlgorithm,
    faces: ProbeFace[],
    limit = 5,
  ): Promise<{ ranked: LabelCandidate[][]; threshold: number | null }> {
    const state = this.#state(algorithm);
    if (state.unavailable) throw new ModelNotReadyError(state.unavailable);
    if (!state.served) await this.#wait(this.#lane(algorithm), this.#generation);
    if (!state.served) {
      throw new ModelNotReadyError(
        `the ${algorithm} model is not trained${state.failed ? `: ${state.failed}` : ""}`,
      );
    }
    // Copies: the pixels are views into the request frame, which would otherwise be cloned
    // into the worker whole.
    const own = faces.map((f) => ({ width: f.width, height: f.height, pixels: f.pixels.slice() }));
    // Read before the call: the model a prediction runs on is never newer than this state.
    const threshold = state.served.threshold;
    const ranked = await this.#predictors.run(
      { type: "predict", algorithm, faces: own, limit },
      own.map((f) => f.pixels.buffer),
    );
    return { ranked, threshold };
  }

  /** Waits for running training loops to finish and stores the incremental model. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const lane of this.#lanes) lane.undelay();
    if (this.#snapshotTimer !== undefined) clearTimeout(this.#snapshotTimer);
    this.#snapshotTimer = undefined;
    // The snapshot before waiting for a batch retrain, which can outlast the time the
    // service gives close() (the workers are stopped then).
    await this.#incremental.loop;
    await this.#saveSnapshot();
    await this.#batch.loop;
    for (const lane of this.#lanes) lane.release(true);
  }
}

/** `bytes`'s buffer as a transfer list when `bytes` spans all of it (else copy: []). */
function ownBuffer(bytes: Uint8Array): ArrayBuffer[] {
  const buffer = bytes.buffer;
  return buffer instanceof ArrayBuffer && bytes.byteOffset === 0 &&
      bytes.byteLength === buffer.byteLength
    ? [buffer]
    : [];
}
