/**
 * Exact nearest-neighbour search over face descriptors under the L2 distance, as dlib's
 * face recognition examples use it: every stored descriptor is compared with the probe
 * (brute force; at 128 dimensions, 10,000 faces take about a millisecond), and the best
 * distance per person is ranked.
 *
 * Vectors live in one growable Float32Array, so adding a face is amortised O(1) and a
 * search walks memory once.
 *
 * @module
 */
import type { Candidate } from "./recognizer.ts";
import { rankCandidates } from "./rank_candidates.ts";
import { checkLimit } from "./_validate.ts";

/**
 * Descriptors with their person labels and face ids.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { EmbeddingIndex } from "./embedding_index.ts";
 *
 * const index = new EmbeddingIndex(2);
 * index.add([Float32Array.of(0, 0), Float32Array.of(3, 4)], [7, 8], [1, 2]);
 * const [first, second] = index.search(Float32Array.of(0, 1));
 * assert.deepEqual(first, { label: 7, distance: 1 });
 * assert.equal(second!.label, 8);
 * assert.ok(Math.abs(second!.distance - Math.hypot(3, 3)) < 1e-6);
 * ```
 */
export class EmbeddingIndex {
  /** Length of every descriptor. */
  readonly dimension: number;
  #vectors: Float32Array;
  #labels: Int32Array;
  #ids: Float64Array;
  #size = 0;
  #maxId = 0;

  /**
   * An empty index of `dimension`-float descriptors, with room for `capacity` before it
   * grows. Throws a `RangeError` unless `dimension` is a positive integer.
   */
  constructor(dimension: number, capacity = 64) {
    if (!Number.isInteger(dimension) || dimension < 1) {
      throw new RangeError(`dimension: expected a positive integer, got ${dimension}`);
    }
    this.dimension = dimension;
    const start = Math.max(1, capacity);
    this.#vectors = new Float32Array(start * dimension);
    this.#labels = new Int32Array(start);
    this.#ids = new Float64Array(start);
  }

  /** Number of descriptors held. */
  get size(): number {
    return this.#size;
  }

  /** Labels of the held descriptors, in insertion order (a copy). */
  labels(): Int32Array {
    return this.#labels.slice(0, this.#size);
  }

  /** Face ids of the held descriptors, in insertion order (a copy). */
  ids(): number[] {
    return Array.from(this.#ids.subarray(0, this.#size));
  }

  /** The held descriptors as one row-major matrix (a copy). */
  vectors(): Float32Array {
    return this.#vectors.slice(0, this.#size * this.dimension);
  }

  /**
   * Adds descriptors. `ids` (default: consecutive numbers after the largest held) name
   * faces for {@link removeIds}.
   */
  add(vectors: readonly Float32Array[], labels: readonly number[], ids?: readonly number[]): void {
    if (labels.length !== vectors.length || (ids && ids.length !== vectors.length)) {
      throw new TypeError(
        `expected one label${ids ? " and one id" : ""} per vector (${vectors.length}), got ` +
          `${labels.length}${ids ? ` and ${ids.length}` : ""}`,
      );
    }
    vectors.forEach((v, i) => {
      if (!(v instanceof Float32Array) || v.length !== this.dimension) {
        throw new TypeError(
          `vectors[${i}]: expected a Float32Array of ${this.dimension}, got ${
            v instanceof Float32Array ? `length ${v.length}` : typeof v
          }`,
        );
      }
      if (!v.every(Number.isFinite)) throw new RangeError(`vectors[${i}]: not finite`);
      const label = labels[i]!;
      if (!Number.isInteger(label) || label < -(2 ** 31) || label >= 2 ** 31) {
        throw new RangeError(`labels[${i}]: expected an int32 integer, got ${label}`);
      }
    });
    this.#reserve(this.#size + vectors.length);
    vectors.forEach((v, i) => {
      this.#vectors.set(v, this.#size * this.dimension);
      this.#labels[this.#size] = labels[i]!;
      const id = ids ? ids[i]! : this.#maxId + 1;
      this.#maxId = Math.max(this.#maxId, id);
      this.#ids[this.#size] = id;
      this.#size++;
    });
  }

  /** Drops every descriptor whose label or id `drop` selects; returns how many went. */
  #removeWhere(drop: (label: number, id: number) => boolean): number {
    const d = this.dimension;
    let kept = 0;
    for (let i = 0; i < this.#size; i++) {
      if (drop(this.#labels[i]!, this.#ids[i]!)) continue;
      if (kept !== i) {
        this.#vectors.copyWithin(kept * d, i * d, (i + 1) * d);
        this.#labels[kept] = this.#labels[i]!;
        this.#ids[kept] = this.#ids[i]!;
      }
      kept++;
    }
    const removed = this.#size - kept;
    this.#size = kept;
    return removed;
  }

  /** Removes every descriptor of a person; returns how many were removed. */
  removeLabel(label: number): number {
    return this.#removeWhere((l) => l === label);
  }

  /** Removes the descriptors of these faces; returns how many were removed. */
  removeIds(ids: Iterable<number>): number {
    const set = new Set(ids);
    return this.#removeWhere((_, id) => set.has(id));
  }

  /** Changes the label of every descriptor of `from` to `to` (a rename or a merge). */
  relabel(from: number, to: number): void {
    for (let i = 0; i < this.#size; i++) if (this.#labels[i] === from) this.#labels[i] = to;
  }

  /**
   * The nearest `limit` people (default 5), each with the L2 distance of their closest
   * descriptor, nearest first. Empty when nothing is held.
   */
  search(vector: Float32Array, limit = 5): Candidate[] {
    checkLimit(limit);
    if (vector.length !== this.dimension) {
      throw new TypeError(`probe: expected ${this.dimension} values, got ${vector.length}`);
    }
    const n = this.#size, d = this.dimension, data = this.#vectors;
    const distances = new Float64Array(n);
    for (let i = 0, base = 0; i < n; i++, base += d) {
      let sum = 0;
      for (let k = 0; k < d; k++) {
        const diff = data[base + k]! - vector[k]!;
        sum += diff * diff;
      }
      distances[i] = sum;
    }
    return rankCandidates(distances, this.#labels.subarray(0, n), limit)
      .map((c) => ({ label: c.label, distance: Math.sqrt(c.distance) }));
  }

  #reserve(count: number): void {
    if (count <= this.#labels.length) return;
    const capacity = Math.max(count, this.#labels.length * 2);
    const vectors = new Float32Array(capacity * this.dimension);
    vectors.set(this.#vectors.subarray(0, this.#size * this.dimension));
    const labels = new Int32Array(capacity);
    labels.set(this.#labels.subarray(0, this.#size));
    const ids = new Float64Array(capacity);
    ids.set(this.#ids.subarray(0, this.#size));
    this.#vectors = vectors;
    this.#labels = labels;
    this.#ids = ids;
  }
}
