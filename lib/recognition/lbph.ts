/**
 * Local Binary Patterns Histograms: nearest neighbour over spatial LBP histograms under the
 * chi-square distance.
 *
 * Ahonen, T., Hadid, A. and Pietikäinen, M. "Face recognition with local binary patterns."
 * ECCV 2004, pp. 469-481; and "Face description with local binary patterns: Application to
 * face recognition." IEEE TPAMI 28(12), 2006, pp. 2037-2041.
 *
 * Matches OpenCV contrib's `LBPHFaceRecognizer` (defaults radius 1, 8 neighbours, 8x8 grid,
 * HISTCMP_CHISQR_ALT). Histograms are stored sparsely as (bin, count) pairs packed in one
 * arena ({@link HistogramStore}): a 92x112 face fills only about 3,300 of its 16384 bins,
 * and bins empty in both histograms add nothing to the distance, so predict touches only
 * the training histogram's non-zero bins and accounts for the query's other bins through
 * its total.
 *
 * @module
 */
import type { Algorithm, Candidate, FaceImage, Recognizer } from "./recognizer.ts";
import { checkImage, checkLimit, checkTrainingSet, type ImageSize } from "./_validate.ts";
import { lbpCodes } from "./lbp.ts";
import { normalisedValues, spatialHistogram } from "./spatial_histogram.ts";
import { rankCandidates } from "./rank_candidates.ts";
import { ModelFileError, NotTrainedError } from "./errors.ts";
import { decodeModel, encodeModel } from "./model_file.ts";
import { HistogramStore, shared, type SharedHistograms } from "./_histogram_store.ts";

/** LBPH parameters (OpenCV's defaults when omitted). */
export interface LbphOptions {
  /** Radius of the circular LBP neighbourhood, in pixels, in [1, 1024]. Default 1. */
  readonly radius?: number;
  /** Sample points on that circle (bits per code), in [1, 16]. Default 8. */
  readonly neighbors?: number;
  /** Histogram cells across the code image, in [1, 1024]. Default 8. */
  readonly gridX?: number;
  /** Histogram cells down the code image, in [1, 1024]. Default 8. */
  readonly gridY?: number;
}

const f = Math.fround;

/** Options of {@link LbphRecognizer.load}. */
export interface LbphLoadOptions {
  /**
   * Decode straight into SharedArrayBuffers, for a model that will be shared with other
   * workers (`share()` then copies nothing).
   */
  readonly inSharedMemory?: boolean;
}

/**
 * An LBPH model on SharedArrayBuffers: what {@link LbphRecognizer.share} returns and
 * {@link LbphRecognizer.adopt} takes, so that several workers predict from one copy.
 */
export interface SharedLbphModel {
  /** Always `"lbph"`. */
  readonly algorithm: "lbph";
  /** The parameters the model was trained with. */
  readonly options: Required<LbphOptions>;
  /** Width of the training images. */
  readonly width: number;
  /** Height of the training images. */
  readonly height: number;
  /** One label per training face, on a SharedArrayBuffer. */
  readonly labels: Int32Array;
  /** The training faces' sparse histograms, on SharedArrayBuffers. */
  readonly histograms: SharedHistograms;
}

/**
 * The LBPH recognizer; the only one that supports incremental {@link LbphRecognizer.update}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LbphRecognizer } from "./lbph.ts";
 * const noise = (seed: number) => {
 *   const data = new Uint8Array(40 * 40);
 *   for (let i = 0; i < data.length; i++) data[i] = (i * seed * 7919) % 251;
 *   return { width: 40, height: 40, data };
 * };
 * const r = new LbphRecognizer();
 * r.train([noise(3), noise(5)], [1, 2]);
 * r.update([noise(11)], [3]);
 * assert.equal(r.predict(noise(11))[0]?.label, 3);
 * ```
 */
export class LbphRecognizer implements Recognizer {
  readonly algorithm: Algorithm = "lbph";
  readonly supportsUpdate = true;
  readonly #options: Required<LbphOptions>;
  #size: ImageSize | undefined;
  #cellPixels = 0;
  #values: Float64Array = new Float64Array(0);
  #labels: number[] = [];
  #store: HistogramStore = new HistogramStore(0, 0);
  /**
   * Faces added by {@link LbphRecognizer.update}, in an arena of their own: the main one is
   * exactly the size of what train() or load() put there (70 MB at 10,000 faces), so growing
   * it for one more face would copy all of it, and a shared one may not be written at all.
   */
  #tail: HistogramStore | undefined;

  /**
   * An untrained recognizer; options default to OpenCV's. Throws a `RangeError` for an
   * option out of range.
   */
  constructor(options: LbphOptions = {}) {
    const o = {
      radius: options.radius ?? 1,
      neighbors: options.neighbors ?? 8,
      gridX: options.gridX ?? 8,
      gridY: options.gridY ?? 8,
    };
    for (
      const [name, value, max] of [
        ["radius", o.radius, 1024],
        ["neighbors", o.neighbors, 16],
        ["gridX", o.gridX, 1024],
        ["gridY", o.gridY, 1024],
      ] as const
    ) {
      if (!Number.isInteger(value) || value < 1 || value > max) {
        throw new RangeError(`${name}: expected an integer in [1, ${max}], got ${value}`);
      }
    }
    this.#options = o;
  }

  /** Restores a model saved by {@link LbphRecognizer.save}. */
  static load(bytes: Uint8Array, options: LbphLoadOptions = {}): LbphRecognizer {
    const { header, body } = decodeModel(bytes);
    if (header.algorithm !== "lbph") {
      throw new ModelFileError(`model file algorithm: expected lbph, got ${header.algorithm}`);
    }
    let r: LbphRecognizer;
    try {
      r = new LbphRecognizer({
        radius: body.u32("radius"),
        neighbors: body.u32("neighbors"),
        gridX: body.u32("gridX"),
        gridY: body.u32("gridY"),
      });
    } catch (cause) {
      throw new ModelFileError(`lbph model parameters out of range`, { cause });
    }
    const dimension = r.histogramLength;
    if (header.dimension !== dimension) {
      throw new ModelFileError(
        `lbph model dimension: expected ${dimension} bins for its parameters, got ${header.dimension}`,
      );
    }
    const size = { width: header.width, height: header.height };
    r.#setSize(size, ModelFileError, options.inSharedMemory);
    const labels = body.i32s(header.samples, "labels");
    const bins = new Uint32Array(dimension), counts = new Uint16Array(dimension);
    // Every pair takes at least two bytes: an upper bound that is nearly exact in practice.
    r.#store.reserve(Math.floor(body.remaining / 2), header.samples);
    for (let s = 0; s < header.samples; s++) {
      const nonZero = body.varint("histogram size");
      if (nonZero > dimension) {
        throw new ModelFileError(
          `lbph histogram ${s}: expected at most ${dimension} bins, got ${nonZero}`,
        );
      }
      let bin = -1;
      for (let t = 0; t < nonZero; t++) {
        bin += body.varint("histogram bin") + 1;
        const count = body.varint("histogram count");
        if (bin >= dimension || count < 1 || count > r.#cellPixels) {
          throw new ModelFileError(
            `lbph histogram ${s}: bin ${bin} or count ${count} out of range`,
          );
        }
        bins[t] = bin;
        counts[t] = count;
      }
      r.#store.addSparse(bins.subarray(0, nonZero), counts.subarray(0, nonZero));
      r.#labels.push(labels[s]!);
    }
    r.#store.trim();
    if (body.remaining !== 0) {
      throw new ModelFileError(
        `lbph model body: expected no trailing bytes, got ${body.remaining}`,
      );
    }
    return r;
  }

  /**
   * Moves this model's histograms into SharedArrayBuffers and describes them; post the
   * result to other workers and {@link LbphRecognizer.adopt} it there. The model stays
   * usable here; faces {@link LbphRecognizer.update} adds afterwards stay in this copy only.
   */
  share(): SharedLbphModel {
    const size = this.#size;
    if (!this.trained || size === undefined) {
      throw new NotTrainedError("lbph: cannot share, the model is not trained yet");
    }
    if (this.#tail) this.#mergeTail();
    return {
      algorithm: "lbph",
      options: this.#options,
      width: size.width,
      height: size.height,
      labels: shared(Int32Array.from(this.#labels)),
      histograms: this.#store.share(),
    };
  }

  /**
   * A recognizer over a model another worker shared (no copy). Faces it is updated with
   * afterwards are kept in this copy only.
   */
  static adopt(model: SharedLbphModel): LbphRecognizer {
    const r = new LbphRecognizer(model.options);
    r.#setSize({ width: model.width, height: model.height }, TypeError);
    r.#store = HistogramStore.adopt(model.histograms);
    r.#labels = Array.from(model.labels);
    return r;
  }

  /** The parameters in use. */
  get options(): Required<LbphOptions> {
    return this.#options;
  }

  /** Length of one spatial histogram: `gridX * gridY * 2^neighbors`. */
  get histogramLength(): number {
    const { gridX, gridY, neighbors } = this.#options;
    return gridX * gridY * 2 ** neighbors;
  }

  get trained(): boolean {
    return this.sampleCount > 0;
  }

  get sampleCount(): number {
    return this.#store.size + (this.#tail?.size ?? 0);
  }

  /** The arenas in label order: the main one, then the faces added to a read-only one. */
  get #stores(): HistogramStore[] {
    return this.#tail ? [this.#store, this.#tail] : [this.#store];
  }

  get imageSize(): ImageSize | undefined {
    return this.#size;
  }

  train(images: readonly FaceImage[], labels: readonly number[]): void {
    const size = checkTrainingSet(images, labels);
    // One dense histogram at a time (64 KB each): a whole gallery of them would not fit.
    const first = this.#histogramOf(images[0]!, size);
    this.#setSize(size, RangeError);
    const store = this.#store;
    store.addDense(first);
    for (let i = 1; i < images.length; i++) store.addDense(this.#histogramOf(images[i]!, size));
    store.trim();
    this.#labels = [...labels];
    this.#tail = undefined;
  }

  /** Adds samples without touching the existing ones; on an untrained model it trains. */
  update(images: readonly FaceImage[], labels: readonly number[]): void {
    if (!this.trained) {
      this.train(images, labels);
      return;
    }
    const size = checkTrainingSet(images, labels, this.#size);
    const store = this.#tail ??= new HistogramStore(this.histogramLength, this.#cellPixels);
    for (const image of images) store.addDense(this.#histogramOf(image, size));
    this.#labels.push(...labels);
  }

  predict(image: FaceImage, limit = 5): Candidate[] {
    const size = this.#size;
    if (!this.trained || size === undefined) {
      throw new NotTrainedError("lbph: cannot predict, the model is not trained yet");
    }
    checkLimit(limit);
    checkImage(image, "image", size);
    const counts = this.#histogramOf(image, size);
    const values = this.#values;
    const query = new Float64Array(counts.length);
    let total = 0;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i]!;
      if (c === 0) continue;
      const v = values[c]!;
      query[i] = v;
      total += v;
    }
    const distances = new Float64Array(this.sampleCount);
    let at = 0;
    for (const store of this.#stores) {
      const n = store.size;
      const { bins, counts: hc, starts } = store.arrays;
      for (let s = 0; s < n; s++) {
        // Bins where only the query is non-zero contribute q each: start from the query
        // total and take back q for every bin the training histogram shares.
        let sum = total;
        const end = starts[s + 1]!;
        for (let t = starts[s]!; t < end; t++) {
          const h = values[hc[t]!]!, q = query[bins[t]!]!;
          const diff = f(h - q), both = f(h + q);
          sum += diff * diff / both - q;
        }
        distances[at++] = 2 * sum;
      }
    }
    return rankCandidates(distances, Int32Array.from(this.#labels), limit);
  }

  save(): Uint8Array {
    const size = this.#size;
    if (!this.trained || size === undefined) {
      throw new NotTrainedError("lbph: cannot save, the model is not trained yet");
    }
    return encodeModel(
      {
        algorithm: "lbph",
        ...size,
        samples: this.sampleCount,
        dimension: this.histogramLength,
      },
      (w) => {
        const { radius, neighbors, gridX, gridY } = this.#options;
        w.u32(radius);
        w.u32(neighbors);
        w.u32(gridX);
        w.u32(gridY);
        w.array(Int32Array.from(this.#labels));
        for (const store of this.#stores) {
          const { bins, counts, starts } = store.arrays;
          for (let s = 0; s < store.size; s++) {
            const begin = starts[s]!, end = starts[s + 1]!;
            w.varint(end - begin);
            let previous = -1;
            for (let t = begin; t < end; t++) {
              w.varint(bins[t]! - previous - 1);
              w.varint(counts[t]!);
              previous = bins[t]!;
            }
          }
        }
      },
      this.#bodyBytes(),
    );
  }

  /** The exact size of the saved body (so that save() writes into one buffer). */
  #bodyBytes(): number {
    const varint = (v: number) =>
      v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
    let size = 16 + 4 * this.sampleCount;
    for (const store of this.#stores) {
      const { bins, counts, starts } = store.arrays;
      for (let s = 0; s < store.size; s++) {
        const begin = starts[s]!, end = starts[s + 1]!;
        size += varint(end - begin);
        let previous = -1;
        for (let t = begin; t < end; t++) {
          size += varint(bins[t]! - previous - 1) + varint(counts[t]!);
          previous = bins[t]!;
        }
      }
    }
    return size;
  }

  /** One arena again, on SharedArrayBuffers, holding the read-only one and the tail. */
  #mergeTail(): void {
    const tail = this.#tail!, base = this.#store;
    const merged = new HistogramStore(this.histogramLength, this.#cellPixels, true);
    const entries = (s: HistogramStore) => s.arrays.starts[s.size]!;
    merged.reserve(entries(base) + entries(tail), base.size + tail.size);
    for (const store of [base, tail]) {
      const { bins, counts, starts } = store.arrays;
      for (let s = 0; s < store.size; s++) {
        merged.addSparse(
          bins.subarray(starts[s]!, starts[s + 1]!),
          counts.subarray(starts[s]!, starts[s + 1]!),
        );
      }
    }
    this.#store = merged;
    this.#tail = undefined;
  }

  #setSize(
    size: ImageSize,
    Failure: new (message: string) => Error,
    inSharedMemory = false,
  ): void {
    const { radius, gridX, gridY } = this.#options;
    const cellW = Math.floor((size.width - 2 * radius) / gridX);
    const cellH = Math.floor((size.height - 2 * radius) / gridY);
    const cellPixels = cellW * cellH;
    if (cellW < 1 || cellH < 1 || cellPixels > 0xffff) {
      throw new Failure(
        `lbph: expected images giving ${gridX}x${gridY} cells of 1 to 65535 codes at radius ` +
          `${radius}, got ${size.width}x${size.height} (cells of ${cellW}x${cellH})`,
      );
    }
    this.#size = size;
    this.#cellPixels = cellPixels;
    this.#values = normalisedValues(cellPixels);
    this.#store = new HistogramStore(this.histogramLength, cellPixels, inSharedMemory);
  }

  #histogramOf(image: FaceImage, size: ImageSize): Uint32Array {
    const { radius, neighbors, gridX, gridY } = this.#options;
    const cellW = Math.floor((size.width - 2 * radius) / gridX);
    const cellH = Math.floor((size.height - 2 * radius) / gridY);
    if (cellW < 1 || cellH < 1) {
      throw new RangeError(
        `image: expected at least ${gridX + 2 * radius}x${gridY + 2 * radius} for a ` +
          `${gridX}x${gridY} grid at radius ${radius}, got ${size.width}x${size.height}`,
      );
    }
    return spatialHistogram(lbpCodes(image, radius, neighbors), 2 ** neighbors, gridX, gridY)
      .counts;
  }
}
