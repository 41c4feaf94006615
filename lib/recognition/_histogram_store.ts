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

/** See the module documentation. */
export class HistogramStore {
  readonly #wideBins: boolean;
  readonly #wideCounts: boolean;
  #bins: Bins;
  #counts: Counts;
  #starts = new Int32Array(17);
  #faces = 0;

  /** `binCount` bins per histogram, counts up to `maxCount`. */
  constructor(binCount: number, maxCount: number) {
    this.#wideBins = binCount > 0x10000;
    this.#wideCounts = maxCount > 0xff;
    this.#bins = this.#wideBins ? new Uint32Array(1024) : new Uint16Array(1024);
    this.#counts = this.#wideCounts ? new Uint16Array(1024) : new Uint8Array(1024);
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

  /** Drops every histogram. */
  clear(): void {
    this.#faces = 0;
  }

  /** Shrinks the arena to what is used (after a bulk load or training). */
  trim(): void {
    const used = this.#starts[this.#faces]!;
    this.#bins = this.#bins.slice(0, used);
    this.#counts = this.#counts.slice(0, used);
    this.#starts = this.#starts.slice(0, this.#faces + 1);
  }

  #reserve(entries: number): number {
    const at = this.#starts[this.#faces]!;
    if (at + entries > this.#bins.length) {
      const capacity = Math.max(at + entries, Math.ceil(this.#bins.length * 1.5));
      const bins = this.#wideBins ? new Uint32Array(capacity) : new Uint16Array(capacity);
      const counts = this.#wideCounts ? new Uint16Array(capacity) : new Uint8Array(capacity);
      bins.set(this.#bins.subarray(0, at));
      counts.set(this.#counts.subarray(0, at));
      this.#bins = bins;
      this.#counts = counts;
    }
    if (this.#faces + 2 > this.#starts.length) {
      const starts = new Int32Array(Math.ceil((this.#faces + 2) * 1.5));
      starts.set(this.#starts.subarray(0, this.#faces + 1));
      this.#starts = starts;
    }
    return at;
  }

  #close(end: number): void {
    this.#faces++;
    this.#starts[this.#faces] = end;
  }
}
