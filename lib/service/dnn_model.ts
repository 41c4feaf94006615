/**
 * Keeps the `dnn` recognizer in step with the gallery. Each face's descriptor is computed
 * once, at enrollment, in a prediction worker, and stored beside its chip; the recognizer
 * is then only a nearest-neighbour index over the stored descriptors, updated in place on
 * every enroll and forget, so `dnn` never retrains and never goes stale.
 *
 * The index lives on the service's own thread: a search over 10,000 descriptors is about a
 * millisecond, while the network (40-60 ms a face) runs in the worker pool.
 *
 * @module
 */
import type { EmbeddingCounts, GalleryStore } from "../gallery/mod.ts";
import type { ModelState, WireChip } from "../protocol/messages.ts";
import { DEFAULT_THRESHOLDS, DNN_GREY_THRESHOLD, DnnRecognizer } from "../recognition/mod.ts";
import { DESCRIPTOR_LENGTH, DESCRIPTOR_MODEL } from "../recognition/face_descriptor.ts";
import type { LabelCandidate } from "./model_manager.ts";
import type { Logger } from "./log.ts";
import type { Embedded, RecognitionPool } from "./recognition_worker.ts";

/** Chips re-embedded per worker job when a gallery is brought to a new descriptor model. */
const REEMBED_BATCH = 16;
/** Descriptors read per query when catching up with other replicas' enrollments. */
const RESYNC_BATCH = 2000;

/** See the module documentation. */
export class DnnModel {
  readonly #gallery: GalleryStore;
  readonly #pool: RecognitionPool;
  readonly #log: Logger;
  readonly #recognizer = new DnnRecognizer({
    model: DESCRIPTOR_MODEL,
    dimension: DESCRIPTOR_LENGTH,
  });
  #reembedding: Promise<void> | undefined;
  #closed = false;
  // embeddingCounts() reads every face row (a few hundred MB at 10,000 faces): it is asked
  // again only after a change that could move it, never per request.
  // The counts are re-read in the background after a change; state() reports the last ones
  // read, so that it never waits for (or fails with) a shared database.
  #cached: EmbeddingCounts = { embedded: 0, pending: 0, noChip: 0 };
  #recount: Promise<void> | undefined;

  /** Re-reads the face counts (`state()` reports them); a failure keeps the old ones. */
  recount(): Promise<void> {
    return this.#recount ??= this.#gallery.embeddingCounts(DESCRIPTOR_MODEL).then(
      (counts) => {
        this.#cached = counts;
      },
      (error) => this.#log.warn("cannot read dnn face counts", { error }),
    ).finally(() => this.#recount = undefined);
  }

  constructor(gallery: GalleryStore, pool: RecognitionPool, log: Logger) {
    this.#gallery = gallery;
    this.#pool = pool;
    this.#log = log;
  }

  /**
   * Loads the stored descriptors and the network in every prediction worker (the first
   * inference is slow, so it happens here rather than in a user's request), then
   * re-embeds, in the background, stored chips that have no descriptor of this model.
   */
  async start(): Promise<void> {
    const stored = await this.#gallery.embeddings(DESCRIPTOR_MODEL);
    this.#recognizer.addDescriptors(
      stored.map((s) => s.vector),
      stored.map((s) => s.label),
      stored.map((s) => s.id),
    );
    await this.#pool.broadcast({ type: "loadDescriptor" });
    this.#log.info("model loaded", { algorithm: "dnn", faces: stored.length });
    await this.recount();
    if (this.#cached.pending > 0) {
      this.#reembedding = this.#reembed().finally(() => this.#reembedding = undefined);
    }
  }

  async #reembed(): Promise<void> {
    let done = 0;
    while (!this.#closed) {
      try {
        const batch = await this.#gallery.pendingChips(DESCRIPTOR_MODEL, REEMBED_BATCH);
        if (batch.length === 0) break;
        const { vectors } = await this.#pool.run({
          type: "embedPng",
          pngs: batch.map((b) => b.chipPng),
        });
        // Faces forgotten while their batch was in the worker are not stored, so not live.
        const live = new Set(
          await this.#gallery.setEmbeddings(
            DESCRIPTOR_MODEL,
            batch.map((b, i) => ({ id: b.id, vector: vectors[i]! })),
          ),
        );
        const kept = batch.flatMap((b, i) => live.has(b.id) ? [{ b, v: vectors[i]! }] : []);
        this.#recognizer.addDescriptors(
          kept.map((k) => k.v),
          kept.map((k) => k.b.label),
          kept.map((k) => k.b.id),
        );
        done += batch.length;
        await this.recount();
      } catch (error) {
        this.#log.error("re-embedding stored chips failed", { error });
        return;
      }
    }
    if (done > 0) this.#log.info("re-embedded stored chips", { algorithm: "dnn", faces: done });
  }

  /**
   * Brings the index to the gallery's descriptors: adds the ones it lacks (enrolled through
   * another replica), drops the ones the gallery no longer has (forgotten through one).
   * The caller keeps this replica's own writes out meanwhile. Returns what changed.
   */
  async resync(): Promise<{ added: number; removed: number }> {
    const stored = await this.#gallery.embeddingIds(DESCRIPTOR_MODEL);
    const held = new Set(this.#recognizer.faceIds());
    const inGallery = new Set(stored);
    const missing = stored.filter((id) => !held.has(id));
    const gone = [...held].filter((id) => !inGallery.has(id));
    for (let i = 0; i < missing.length; i += RESYNC_BATCH) {
      const batch = await this.#gallery.embeddingsOf(
        DESCRIPTOR_MODEL,
        missing.slice(i, i + RESYNC_BATCH),
      );
      this.#recognizer.addDescriptors(
        batch.map((e) => e.vector),
        batch.map((e) => e.label),
        batch.map((e) => e.id),
      );
    }
    if (gone.length > 0) this.#recognizer.removeFaces(gone);
    if (missing.length > 0 || gone.length > 0) await this.recount();
    return { added: missing.length, removed: gone.length };
  }

  /** Descriptors of aligned chips, and the chips as PNG for the gallery. */
  async embed(chips: readonly WireChip[], png: boolean): Promise<Embedded> {
    // Copies: the chips are views into the request frame, which would otherwise be cloned
    // into the worker whole.
    const own = chips.map((c) => ({ width: c.width, height: c.height, pixels: c.pixels.slice() }));
    if (!png) return this.#pool.run({ type: "embed", chips: own }, own.map((c) => c.pixels.buffer));
    // The PNGs as a job of their own, which a second worker runs meanwhile (about 7 ms a chip,
    // beside 50 ms for a descriptor); with one worker the two run one after the other.
    const [embedded, pngs] = await Promise.all([
      this.#pool.run({ type: "embed", chips: own }),
      this.#pool.run({ type: "encodeChips", chips: own }),
    ]);
    return { vectors: embedded.vectors, pngs };
  }

  /**
   * Adds descriptors of faces just committed to the gallery; `withoutChip` more faces were
   * stored without a chip (for the counts `state()` reports).
   */
  added(
    ids: readonly number[],
    label: number,
    vectors: readonly Float32Array[],
    withoutChip = 0,
  ): void {
    this.#recognizer.addDescriptors(vectors, ids.map(() => label), ids);
    const c = this.#cached;
    this.#cached = { ...c, embedded: c.embedded + ids.length, noChip: c.noChip + withoutChip };
  }

  /** Drops a forgotten person's descriptors. */
  forgotten(label: number): void {
    this.#recognizer.removeLabel(label);
    void this.recount();
  }

  /** Drops forgotten faces' descriptors. */
  facesRemoved(ids: readonly number[]): void {
    this.#recognizer.removeFaces(ids);
    void this.recount();
  }

  /** Ranked candidates for each chip: the network runs in a worker, the search here. */
  async predict(chips: readonly WireChip[], limit = 5): Promise<LabelCandidate[][]> {
    const { vectors } = await this.embed(chips, false);
    return vectors.map((v) => this.#recognizer.predictDescriptor(v, limit));
  }

  /**
   * The distance from a descriptor to the nearest stored face of person `label`, or
   * undefined when the index holds none of theirs. `people` bounds the search (one
   * candidate per person): the number of people enrolled.
   */
  distanceTo(vector: Float32Array, label: number, people: number): number | undefined {
    return this.#recognizer.predictDescriptor(vector, Math.max(1, people))
      .find((c) => c.label === label)?.distance;
  }

  /** Faces the index holds. */
  get size(): number {
    return this.#recognizer.sampleCount;
  }

  /** The dnn model's state, with the reason when it cannot use every stored face. */
  state(): ModelState {
    const counts = this.#cached;
    const faces = this.#recognizer.sampleCount;
    const threshold = DEFAULT_THRESHOLDS.dnn;
    const noChip = counts.noChip === 0
      ? undefined
      : `${counts.noChip} stored face${
        counts.noChip === 1 ? " was" : "s were"
      } enrolled without an aligned chip (before this release, or through the Haar detector) ` +
        `and cannot be used by dnn; enroll those photos again through a YuNet detector`;
    if (counts.pending > 0) {
      return {
        algorithm: "dnn",
        state: "stale",
        faces,
        threshold,
        message: `computing descriptors for ${counts.pending} stored chip(s)${
          noChip ? `; ${noChip}` : ""
        }`,
      };
    }
    if (faces === 0) {
      return {
        algorithm: "dnn",
        state: "unavailable",
        faces: 0,
        message: noChip ?? "nobody is enrolled yet",
      };
    }
    const greyNote =
      `threshold ${threshold} for colour photos, ${DNN_GREY_THRESHOLD} for greyscale`;
    return {
      algorithm: "dnn",
      state: "ready",
      faces,
      threshold,
      message: noChip ? `${greyNote}; ${noChip}` : greyNote,
    };
  }

  /** Stops re-embedding after the current batch. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#reembedding;
    await this.#recount;
  }
}
