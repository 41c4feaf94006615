/**
 * LBPH training histograms, packed: one growable arena of (bin, count) pairs for all faces,
 * bins ascending within a face. A 92x112 face has about 3,300 non-zero bins of 16,384;
 * with 16-bit bins and 8-bit counts (a cell holds at most 255 codes) it takes about 10 KB,
 * against 64 KB as a dense float32 histogram, and a 10,000-face gallery about 100 MB per
 * copy, in three typed arrays rather than 20,000 small ones.
 * @module
 */

type Bins = Uint16Array | Uint32Array;
type Counts = Uint8Array | Uint16Array;

/** A store's arrays on SharedArrayBuffers, as posted between workers. */
export interface SharedHistograms {
  /** Bin indices of the (bin, count) pairs: 16-bit, or 32-bit above 65,536 bins. */
  bins: Uint16Array | Uint32Array;
  /** Counts of the pairs: 8-bit, or 16-bit when a count can exceed 255. */
  counts: Uint8Array | Uint16Array;
  /** `faces + 1` offsets: face `s` owns the pairs `[starts[s], starts[s + 1])`. */
  starts: Int32Array;
  /** Number of histograms. */
  faces: number;
}

type Typed = Uint8Array | Uint16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** A copy of `a` on a SharedArrayBuffer (same element type). */
export function shared<T extends Typed>(a: T): T {
  const Ctor = a.constructor as new (buffer: SharedArrayBuffer) => T;
  const out = new Ctor(new SharedArrayBuffer(a.byteLength));
  out.set(a as never);
  return out;
}

/** See the module documentation. */
export class HistogramStore {
  readonly #wideBins: boolean;
  readonly #wideCounts: boolean;
  #bins: Bins;
  #counts: Counts;
  #starts: Int32Array = new Int32Array(17);
  #faces = 0;
  #shared = false;
  readonly #inSharedMemory: boolean;

  /** `binCount` bins per histogram, counts up to `maxCount`. */
  /**
   * `binCount` bins per histogram, counts up to `maxCount`. `inSharedMemory` allocates the
   * arena on SharedArrayBuffers from the start, so that {@link share} needs no copy.
   */
  constructor(binCount: number, maxCount: number, inSharedMemory = false) {
    this.#wideBins = binCount > 0x10000;
    this.#wideCounts = maxCount > 0xff;
    this.#inSharedMemory = inSharedMemory;
    this.#bins = this.#newBins(1024);
    this.#counts = this.#newCounts(1024);
  }

  #newBins(n: number): Bins {
    const buffer = this.#buffer(n * (this.#wideBins ? 4 : 2));
    return this.#wideBins ? new Uint32Array(buffer) : new Uint16Array(buffer);
  }

  #newCounts(n: number): Counts {
    const buffer = this.#buffer(n * (this.#wideCounts ? 2 : 1));
    return this.#wideCounts ? new Uint16Array(buffer) : new Uint8Array(buffer);
  }

  #buffer(bytes: number): ArrayBuffer | SharedArrayBuffer {
    return this.#inSharedMemory ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  }

  /** Number of histograms stored. */
  get size(): number {
    return this.#faces;
  }

  /** Bytes held by the arena (capacity, not just what is used). */
  get byteLength(): number {
    return this.#bins.byteLength + this.#counts.byteLength + this.#starts.byteLength;
  }

  /** The bins and counts of all faces; face `s` owns `[starts[s], starts[s + 1])`. */
  get arrays(): { bins: Bins; counts: Counts; starts: Int32Array } {
    return { bins: this.#bins, counts: this.#counts, starts: this.#starts };
  }

  /** Appends a dense histogram of raw counts (its zero bins are skipped). */
  addDense(counts: ArrayLike<number>): void {
    let nonZero = 0;
    for (let i = 0; i < counts.length; i++) if (counts[i] !== 0) nonZero++;
    const at = this.#reserve(nonZero);
    const bins = this.#bins, values = this.#counts;
    for (let i = 0, t = at; i < counts.length; i++) {
      const c = counts[i]!;
      if (c === 0) continue;
      bins[t] = i;
      values[t++] = c;
    }
    this.#close(at + nonZero);
  }

  /** Appends a histogram from ascending (bin, count) pairs. */
  addSparse(bins: ArrayLike<number>, counts: ArrayLike<number>): void {
    const at = this.#reserve(bins.length);
    this.#bins.set(bins, at);
    this.#counts.set(counts, at);
    this.#close(at + bins.length);
  }

  /**
   * Moves the arena into SharedArrayBuffers (unless it was allocated there) and returns it, so
   * other workers can {@link HistogramStore.adopt} it without a copy. The store keeps using
   * the shared arrays; nothing may append to a shared store.
   */
  share(): SharedHistograms {
    const used = this.#starts[this.#faces]!;
    if (!this.#inSharedMemory) {
      this.#bins = shared(this.#bins.subarray(0, used));
      this.#counts = shared(this.#counts.subarray(0, used));
    }
    this.#starts = shared(this.#starts.subarray(0, this.#faces + 1));
    this.#shared = true;
    return { bins: this.#bins, counts: this.#counts, starts: this.#starts, faces: this.#faces };
  }

  /** A read-only store over arrays another worker shared. */
  static adopt(from: SharedHistograms): HistogramStore {
    const store = new HistogramStore(0, 0);
    store.#bins = from.bins;
    store.#counts = from.counts;
    store.#starts = from.starts;
    store.#faces = from.faces;
    store.#shared = true;
    return store;
  }

  /** Drops every histogram. */
  clear(): void {
    this.#faces = 0;
  }

  /**
   * Makes room for `entries` more (bin, count) pairs and `faces` more histograms at once, so
   * a bulk load allocates once instead of growing (each growth leaves a dead copy behind).
   */
  reserve(entries: number, faces: number): void {
    this.#grow(this.#starts[this.#faces]! + entries, this.#faces + faces + 1);
  }

  /** Shrinks the arena to what is used when more than 10% of it is spare. */
  trim(): void {
    const used = this.#starts[this.#faces]!;
    if (this.#bins.length <= used * 1.1 + 1024) return;
    const bins = this.#newBins(used), counts = this.#newCounts(used);
    bins.set(this.#bins.subarray(0, used));
    counts.set(this.#counts.subarray(0, used));
    this.#bins = bins;
    this.#counts = counts;
    this.#starts = this.#starts.slice(0, this.#faces + 1);
  }

  #reserve(entries: number): number {
    if (this.#shared) throw new TypeError("HistogramStore: a shared store is read-only");
    const at = this.#starts[this.#faces]!;
    this.#grow(
      Math.max(at + entries, at + entries > this.#bins.length ? this.#bins.length * 1.5 : 0),
      Math.max(this.#faces + 2, this.#faces + 2 > this.#starts.length ? this.#faces * 1.5 : 0),
    );
    return at;
  }

  #grow(entries: number, starts: number): void {
    const at = this.#starts[this.#faces]!;
    if (entries > this.#bins.length) {
      const capacity = Math.ceil(entries);
      const bins = this.#newBins(capacity);
      const counts = this.#newCounts(capacity);
      bins.set(this.#bins.subarray(0, at));
      counts.set(this.#counts.subarray(0, at));
      this.#bins = bins;
      this.#counts = counts;
    }
    if (starts > this.#starts.length) {
      const grown = new Int32Array(Math.ceil(starts));
      grown.set(this.#starts.subarray(0, this.#faces + 1));
      this.#starts = grown;
    }
  }

  #close(end: number): void {
    this.#faces++;
    this.#starts[this.#faces] = end;
  }
}
