/**
 * Keeps one recognizer's in-memory models in step with a gallery that other recognizers
 * share (PostgreSQL). Each replica serves identify from its own models; what another
 * replica commits reaches them here:
 *
 * - promptly, through the database's `NOTIFY` (sent inside the writer's transaction, so
 *   heard only once committed), which triggers a resync within milliseconds;
 * - as a safety net, a periodic check of the gallery's generation (every `intervalMs`), and
 *   a full resync whenever the notification connection comes back after a loss, when
 *   notifications may have been missed.
 *
 * A resync reads the gallery's names and descriptor ids, fetches the descriptors it lacks,
 * drops the ones that are gone, and lets the model manager bring LBPH up to date (and, on
 * a follower, load the leader's Eigen/Fisher snapshots). The same tick renews the leader
 * election (an advisory lock): exactly one replica retrains the batch models.
 *
 * While the database is unreachable a resync fails and is retried at the next tick;
 * identify goes on from memory.
 * @module
 */
import type { GalleryChange, GalleryStore } from "../gallery/mod.ts";
import type { DnnModel } from "./dnn_model.ts";
import type { Logger } from "./log.ts";
import type { ModelManager } from "./model_manager.ts";

/** What {@link ReplicaSync} keeps in step, besides the models. */
export interface ReplicaHost {
  /** Runs `body` with this replica's own writes held back (they update the same state). */
  exclusive<T>(body: () => Promise<T>): Promise<T>;
  /** Replaces the person id -> name map identify answers with. */
  setNames(names: Map<number, string>): void;
}

/** Options of {@link ReplicaSync}. */
export interface ReplicaSyncOptions {
  /** How often the generation is checked and the leader lock renewed (default 5000 ms). */
  intervalMs?: number;
}

/** See the module documentation. */
export class ReplicaSync {
  readonly #gallery: GalleryStore;
  readonly #models: ModelManager;
  readonly #dnn: DnnModel;
  readonly #host: ReplicaHost;
  readonly #log: Logger;
  readonly #intervalMs: number;
  /** Generations this replica wrote itself: their notifications need no resync. */
  readonly #own = new Set<number>();
  #synced = -1;
  #running: Promise<void> | undefined;
  #again = false;
  #snapshots = false;
  #timer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  #lost = false;
  #ticking = false;

  constructor(
    gallery: GalleryStore,
    models: ModelManager,
    dnn: DnnModel,
    host: ReplicaHost,
    log: Logger,
    options: ReplicaSyncOptions = {},
  ) {
    this.#gallery = gallery;
    this.#models = models;
    this.#dnn = dnn;
    this.#host = host;
    this.#log = log;
    this.#intervalMs = options.intervalMs ?? 5000;
  }

  /** Listens for changes and starts the periodic check. */
  async start(generation: number): Promise<void> {
    this.#synced = generation;
    await this.#gallery.watch((change) => this.#heard(change), () => {
      this.#log.info("gallery notifications back; resyncing");
      this.request(true);
    });
    this.#timer = setInterval(() => void this.#tick(), this.#intervalMs);
  }

  /** This replica committed `generation` itself (its models already have it). */
  wrote(generation: number): void {
    this.#own.add(generation);
    if (this.#own.size > 1000) this.#own.delete(this.#own.values().next().value!);
  }

  #heard(change: GalleryChange): void {
    if (change.kind === "model") {
      if (change.algorithm) this.#models.modelStored(change.algorithm, change.generation);
      return;
    }
    if (change.kind === "names") {
      // A rename: only the name map changes (models hold person ids).
      void this.#host.exclusive(async () => this.#host.setNames(await this.#gallery.names()))
        .catch((error) => this.#log.warn("cannot re-read names", { error }));
      return;
    }
    if (this.#own.delete(change.generation)) return;
    this.request();
  }

  async #tick(): Promise<void> {
    if (this.#closed || this.#ticking) return;
    this.#ticking = true;
    try {
      await this.#check();
    } finally {
      this.#ticking = false;
    }
  }

  async #check(): Promise<void> {
    this.#models.setLeader(await this.#gallery.tryLead());
    try {
      const generation = await this.#gallery.generation();
      if (this.#lost) {
        this.#lost = false;
        this.#log.info("gallery database reachable again; resyncing");
        this.request(true);
      } else if (generation !== this.#synced) {
        this.request();
      }
    } catch (error) {
      if (!this.#lost) {
        this.#log.warn("gallery database unreachable; serving from memory", { error });
      }
      this.#lost = true;
    }
  }

  /**
   * Schedules a resync (one runs at a time; a request during one runs another after it).
   * With `snapshots`, a follower also re-reads the stored batch models.
   */
  request(snapshots = false): void {
    if (this.#closed) return;
    this.#snapshots ||= snapshots;
    if (this.#running) {
      this.#again = true;
      return;
    }
    this.#running = (async () => {
      do {
        this.#again = false;
        const withSnapshots = this.#snapshots;
        this.#snapshots = false;
        try {
          await this.#resync(withSnapshots);
        } catch (error) {
          // Retried at the next tick (the generation will still differ).
          this.#log.warn("resync failed", { error });
          this.#lost = true;
          break;
        }
      } while (this.#again && !this.#closed);
    })().finally(() => this.#running = undefined);
  }

  async #resync(snapshots: boolean): Promise<void> {
    const started = performance.now();
    const generation = await this.#gallery.generation();
    const changed = await this.#host.exclusive(async () => {
      this.#host.setNames(await this.#gallery.names());
      return await this.#dnn.resync();
    });
    await this.#models.synchronize({ snapshots });
    this.#synced = Math.max(this.#synced, generation);
    this.#log.debug("resynced", {
      generation,
      ...changed,
      ms: Math.round(performance.now() - started),
    });
  }

  /** Resolves when no resync is running (for tests). */
  async settled(): Promise<void> {
    while (this.#running) await this.#running;
  }

  /** Stops listening and checking. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== undefined) clearInterval(this.#timer);
    await this.#running;
  }
}
