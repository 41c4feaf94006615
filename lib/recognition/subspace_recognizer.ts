/**
 * The shared base of Eigenfaces and Fisherfaces (as `BasicFaceRecognizer` is in OpenCV's
 * contrib face module): a mean, a K x D projection basis, and the projections of every
 * training sample. Predicting projects the query (K x D products) and scans the stored
 * projections for the nearest by L2 distance. The subclasses only fit the basis.
 *
 * The basis is rounded to float32 values (stored as float32 in the model file, held as
 * float64 in memory because V8 multiplies those faster) and the training projections are
 * computed from that rounded basis, so a saved and reloaded model predicts exactly what the
 * trained one does.
 *
 * @module
 */
import type { Algorithm, Candidate, FaceImage, Recognizer } from "./recognizer.ts";
import { type Matrix, matrix } from "./_matrix.ts";
import { checkImage, checkLimit, checkTrainingSet, type ImageSize } from "./_validate.ts";
import { NotTrainedError, UpdateNotSupportedError } from "./errors.ts";
import { rankCandidates } from "./rank_candidates.ts";
import { projectOnto } from "./_project.ts";
import type { ByteReader } from "./_bytes.ts";
import { decodeModel, encodeModel, type ModelHeader } from "./model_file.ts";
import { ModelFileError } from "./errors.ts";

/** Options shared by the subspace methods. */
export interface SubspaceOptions {
  /** Components to keep; 0 (the default) keeps all, like OpenCV. */
  readonly numComponents?: number;
  /**
   * Eigenfaces only: fit the PCA basis on at most this many evenly spaced samples (all
   * samples are still projected and searched). 0 (the default) uses every sample, which is
   * what parity with OpenCV needs; large galleries can bound training time with it.
   */
  readonly maxBasisSamples?: number;
}

/** What a subclass's fit produces. */
export interface SubspaceFit {
  readonly mean: Float64Array;
  readonly eigenvalues: Float64Array;
  /** K x D, one projection axis per row. */
  readonly basis: Matrix;
}

interface SubspaceModel extends ImageSize {
  readonly labels: Int32Array;
  readonly mean: Float64Array;
  readonly eigenvalues: Float64Array;
  /** K x D, float32-representable values. */
  readonly basis: Float64Array;
  readonly components: number;
  readonly projections: Float64Array;
}

/** Eigenfaces and Fisherfaces: everything but fitting the basis. */
export abstract class SubspaceRecognizer implements Recognizer {
  abstract readonly algorithm: Algorithm;
  readonly supportsUpdate = false;
  #options: Required<SubspaceOptions>;
  #model: SubspaceModel | undefined;

  constructor(options: SubspaceOptions = {}) {
    const numComponents = options.numComponents ?? 0;
    const maxBasisSamples = options.maxBasisSamples ?? 0;
    for (
      const [name, value] of [["numComponents", numComponents], [
        "maxBasisSamples",
        maxBasisSamples,
      ]] as const
    ) {
      if (!Number.isInteger(value) || value < 0 || value >= 2 ** 31) {
        throw new RangeError(`${name}: expected a non-negative integer, got ${value}`);
      }
    }
    this.#options = { numComponents, maxBasisSamples };
  }

  /** The options this recognizer trains with (as restored from a model file, after a load). */
  get options(): Required<SubspaceOptions> {
    return this.#options;
  }

  /** Fits the mean and basis to the rows of `data` (N x D). */
  protected abstract fit(data: Matrix, labels: readonly number[]): SubspaceFit;

  get trained(): boolean {
    return this.#model !== undefined;
  }

  get sampleCount(): number {
    return this.#model?.labels.length ?? 0;
  }

  get imageSize(): ImageSize | undefined {
    const m = this.#model;
    return m && { width: m.width, height: m.height };
  }

  /** Number of projection axes (K). */
  get components(): number {
    return this.#model?.components ?? 0;
  }

  /** Eigenvalues of the kept axes, descending (a copy). */
  get eigenvalues(): Float64Array {
    return this.#model?.eigenvalues.slice() ?? new Float64Array(0);
  }

  train(images: readonly FaceImage[], labels: readonly number[]): void {
    const size = checkTrainingSet(images, labels);
    const d = size.width * size.height;
    const data = matrix(images.length, d);
    images.forEach((image, i) => data.data.set(image.data, i * d));
    const { mean, eigenvalues, basis } = this.fit(data, labels);
    const k = basis.rows;
    const rounded = Float64Array.from(Float32Array.from(basis.data));
    const projections = new Float64Array(images.length * k);
    const x = new Float64Array(d);
    const out = new Float64Array(k);
    for (let s = 0; s < images.length; s++) {
      for (let i = 0; i < d; i++) x[i] = data.data[s * d + i]! - mean[i]!;
      projectOnto(rounded, k, d, x, out);
      projections.set(out, s * k);
    }
    this.#model = {
      ...size,
      labels: Int32Array.from(labels),
      mean,
      eigenvalues,
      basis: rounded,
      components: k,
      projections,
    };
  }

  update(_images: readonly FaceImage[], _labels: readonly number[]): void {
    throw new UpdateNotSupportedError(
      `${this.algorithm}: update is not supported, retrain on the whole gallery with train()`,
    );
  }

  predict(image: FaceImage, limit = 5): Candidate[] {
    const m = this.#require("predict");
    checkLimit(limit);
    checkImage(image, "image", m);
    const d = m.width * m.height, k = m.components, n = m.labels.length;
    const x = new Float64Array(d);
    const pixels = image.data, mean = m.mean;
    for (let i = 0; i < d; i++) x[i] = pixels[i]! - mean[i]!;
    const q = new Float64Array(k);
    projectOnto(m.basis, k, d, x, q);
    const distances = new Float64Array(n);
    const p = m.projections;
    for (let s = 0; s < n; s++) {
      let sum = 0;
      const base = s * k;
      for (let j = 0; j < k; j++) {
        const diff = p[base + j]! - q[j]!;
        sum += diff * diff;
      }
      distances[s] = Math.sqrt(sum);
    }
    return rankCandidates(distances, m.labels, limit);
  }

  save(): Uint8Array {
    const m = this.#require("save");
    return encodeModel(
      {
        algorithm: this.algorithm,
        width: m.width,
        height: m.height,
        samples: m.labels.length,
        dimension: m.components,
      },
      (w) => {
        w.u32(this.#options.numComponents);
        w.u32(this.#options.maxBasisSamples);
        w.array(m.labels);
        w.array(m.mean);
        w.array(m.eigenvalues);
        w.array(Float32Array.from(m.basis));
        w.array(m.projections);
      },
    );
  }

  /** Replaces this instance's model with the one in `bytes` (which must be of this algorithm). */
  protected restore(bytes: Uint8Array): this {
    const { header, body } = decodeModel(bytes);
    if (header.algorithm !== this.algorithm) {
      throw new ModelFileError(
        `model file algorithm: expected ${this.algorithm}, got ${header.algorithm}`,
      );
    }
    const { model, options } = readModel(header, body);
    this.#model = model;
    this.#options = options;
    return this;
  }

  #require(what: string): SubspaceModel {
    if (this.#model === undefined) {
      throw new NotTrainedError(`${this.algorithm}: cannot ${what}, the model is not trained yet`);
    }
    return this.#model;
  }
}

function readModel(
  header: ModelHeader,
  body: ByteReader,
): { model: SubspaceModel; options: Required<SubspaceOptions> } {
  const { width, height, samples: n, dimension: k } = header;
  const d = width * height;
  if (d === 0 || n === 0) {
    throw new ModelFileError(
      `model file header: expected non-empty images and samples, got ${width}x${height}, ${n}`,
    );
  }
  const expected = 8 + 4 * n + 8 * d + 8 * k + 4 * k * d + 8 * n * k;
  if (body.remaining !== expected) {
    throw new ModelFileError(
      `${header.algorithm} model body: expected ${expected} bytes for ${n} samples of ` +
        `${width}x${height} and ${k} components, got ${body.remaining}`,
    );
  }
  const options = {
    numComponents: body.u32("numComponents"),
    maxBasisSamples: body.u32("maxBasisSamples"),
  };
  const model = {
    width,
    height,
    labels: body.i32s(n, "labels"),
    mean: body.f64s(d, "mean"),
    eigenvalues: body.f64s(k, "eigenvalues"),
    basis: Float64Array.from(body.f32s(k * d, "basis")),
    components: k,
    projections: body.f64s(n * k, "projections"),
  };
  return { model, options };
}
