/**
 * The shared base of Eigenfaces and Fisherfaces (as `BasicFaceRecognizer` is in OpenCV's
 * contrib face module): a mean, a K x D projection basis, and the projections of every
 * training sample. Predicting projects the query (K x D products) and scans the stored
 * projections for the nearest by L2 distance. The subclasses only fit the basis.
 *
 * The basis is held as float32 (in memory and in the model file) and the training
 * projections are computed from that rounded basis, so a saved and reloaded model predicts
 * exactly what the trained one does. Training never builds the N x D data matrix unless the
 * subclass asks for it: the projections are computed one face at a time.
 *
 * Large galleries: above `maxBasisSamples` training faces (default
 * {@link DEFAULT_MAX_BASIS_SAMPLES}) the subclasses fit their PCA on a stratified sample of
 * that many faces and keep at most `sampledComponents` axes (default
 * {@link DEFAULT_SAMPLED_COMPONENTS}). At or below it, training is OpenCV's, exactly.
 *
 * @module
 */
import type { Algorithm, Candidate, FaceImage, Recognizer } from "./recognizer.ts";
import type { Matrix } from "./_matrix.ts";
import { stratifiedSample } from "./_sampling.ts";
import { shared } from "./_histogram_store.ts";
import { checkImage, checkLimit, checkTrainingSet, type ImageSize } from "./_validate.ts";
import { NotTrainedError, UpdateNotSupportedError } from "./errors.ts";
import { rankCandidates } from "./rank_candidates.ts";
import { allocateBasis, project, type ProjectionBasis, viewBasis } from "./_projection.ts";
import type { ByteReader } from "./_bytes.ts";
import { decodeModel, encodeModel, MODEL_VERSION, type ModelHeader } from "./model_file.ts";
import { ModelFileError } from "./errors.ts";

/**
 * Default {@link SubspaceOptions.maxBasisSamples}. Exact training grows with the cube of
 * the gallery: on this project's 2-core reference machine, 500 faces of 92x112 take a few
 * seconds per algorithm, 1,000 faces 20-40 s (Fisherfaces' LDA then works in 900
 * dimensions). ORL-sized galleries (400 faces) stay exact, hence at parity with OpenCV.
 */
export const DEFAULT_MAX_BASIS_SAMPLES = 500;
/** Default {@link SubspaceOptions.sampledComponents}. */
export const DEFAULT_SAMPLED_COMPONENTS = 200;

/** Options shared by the subspace methods. */
export interface SubspaceOptions {
  /** Components to keep; 0 (the default) keeps all, like OpenCV. */
  readonly numComponents?: number;
  /**
   * Fit the PCA basis on a stratified sample of at most this many faces when there are more
   * (every face is still projected and searched; Fisherfaces then runs its LDA on all of
   * them). Default {@link DEFAULT_MAX_BASIS_SAMPLES}; 0 never samples. Galleries up to this
   * size train exactly as OpenCV does.
   */
  readonly maxBasisSamples?: number;
  /**
   * When the basis is sampled, keep at most this many PCA axes (default
   * {@link DEFAULT_SAMPLED_COMPONENTS}): the basis (K x D floats in every prediction
   * worker), training and predict time all grow with K. 0 keeps all.
   */
  readonly sampledComponents?: number;
}

/** What a subclass's fit produces. */
export interface SubspaceFit {
  /** The mean face, D values. */
  readonly mean: Float64Array;
  /** One eigenvalue per kept axis (K values), descending. */
  readonly eigenvalues: Float64Array;
  /** K x D, one projection axis per row. */
  readonly basis: Matrix;
  /**
   * N x K projections of the training faces, when the fit has them more cheaply than
   * projecting every face onto the (float32-rounded) basis, which is done otherwise.
   */
  readonly projections?: Float64Array;
}

/** A trained subspace model's arrays. */
export interface SubspaceModel extends ImageSize {
  /** One label per training face (N values). */
  readonly labels: Int32Array;
  /** The mean face, D values. */
  readonly mean: Float64Array;
  /** One eigenvalue per axis (K values), descending. */
  readonly eigenvalues: Float64Array;
  /** K x D, in a shared WebAssembly memory that the projection kernel reads. */
  readonly basis: ProjectionBasis;
  /** Number of projection axes (K). */
  readonly components: number;
  /** N x K projections of the training faces, row-major. */
  readonly projections: Float64Array;
}

/** A subspace model on SharedArrayBuffers, posted between workers (see `share`). */
export interface SharedSubspaceModel {
  /** The algorithm that trained the model. */
  readonly algorithm: "eigen" | "fisher";
  /** The options it was trained with. */
  readonly options: Required<SubspaceOptions>;
  /** The model's arrays, on SharedArrayBuffers (the basis in a shared WebAssembly memory). */
  readonly model: SubspaceModel;
}

/** Eigenfaces and Fisherfaces: everything but fitting the basis. */
export abstract class SubspaceRecognizer implements Recognizer {
  abstract readonly algorithm: Algorithm;
  readonly supportsUpdate = false;
  #options: Required<SubspaceOptions>;
  #model: SubspaceModel | undefined;

  /**
   * Resolves the options' defaults; throws a `RangeError` for one that is not an integer in
   * [0, 2^31).
   */
  constructor(options: SubspaceOptions = {}) {
    const resolved = {
      numComponents: options.numComponents ?? 0,
      maxBasisSamples: options.maxBasisSamples ?? DEFAULT_MAX_BASIS_SAMPLES,
      sampledComponents: options.sampledComponents ?? DEFAULT_SAMPLED_COMPONENTS,
    };
    for (const [name, value] of Object.entries(resolved)) {
      if (!Number.isInteger(value) || value < 0 || value >= 2 ** 31) {
        throw new RangeError(`${name}: expected a non-negative integer, got ${value}`);
      }
    }
    this.#options = resolved;
  }

  /** The options this recognizer trains with (as restored from a model file, after a load). */
  get options(): Required<SubspaceOptions> {
    return this.#options;
  }

  /** Fits the mean and basis to the training faces (all of one size, already checked). */
  protected abstract fit(images: readonly FaceImage[], labels: readonly number[]): SubspaceFit;

  /**
   * The training faces to fit the PCA on: all of them, or a stratified sample when there
   * are more than `maxBasisSamples`; and how many axes at most to keep (0: all).
   */
  protected basisSample(labels: readonly number[]): { indices?: number[]; maxAxes: number } {
    const { maxBasisSamples, sampledComponents } = this.#options;
    if (maxBasisSamples === 0 || labels.length <= maxBasisSamples) return { maxAxes: 0 };
    return { indices: stratifiedSample(labels, maxBasisSamples), maxAxes: sampledComponents };
  }

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
    const fitted = this.fit(images, labels);
    const { mean, eigenvalues, basis } = fitted;
    const k = basis.rows;
    const rounded = allocateBasis(k, d);
    rounded.data.set(basis.data);
    let projections = fitted.projections;
    if (projections === undefined) {
      projections = new Float64Array(images.length * k);
      const out = new Float64Array(k);
      for (let s = 0; s < images.length; s++) {
        project(rounded, k, d, images[s]!.data, mean, out);
        projections.set(out, s * k);
      }
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
    const q = new Float64Array(k);
    project(m.basis, k, d, image.data, m.mean, q);
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
        w.u32(this.#options.sampledComponents);
        w.array(m.labels);
        w.array(m.mean);
        w.array(m.eigenvalues);
        w.array(m.basis.data);
        w.array(m.projections);
      },
      bodyBytes(m.labels.length, m.width * m.height, m.components, MODEL_VERSION),
    );
  }

  /**
   * Moves this model's arrays into SharedArrayBuffers and describes them; post the result to
   * other workers and adopt it there (`EigenfacesRecognizer.adopt`...) to predict from one
   * copy.
   */
  share(): SharedSubspaceModel {
    const m = this.#require("share");
    const model: SubspaceModel = {
      ...m,
      labels: shared(m.labels),
      mean: shared(m.mean),
      eigenvalues: shared(m.eigenvalues),
      basis: m.basis, // already in shared memory
      projections: shared(m.projections),
    };
    this.#model = model;
    return { algorithm: this.algorithm as "eigen" | "fisher", options: this.#options, model };
  }

  /** Uses a model another worker shared (which must be of this algorithm). */
  protected adoptShared(from: SharedSubspaceModel): this {
    if (from.algorithm !== this.algorithm) {
      throw new TypeError(`adopt: expected a ${this.algorithm} model, got ${from.algorithm}`);
    }
    const m = from.model;
    // Posted, the view and its memory arrive as separate objects: view the memory again.
    const basis = viewBasis(m.basis.memory, m.components, m.width * m.height);
    this.#model = { ...m, basis };
    this.#options = from.options;
    return this;
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
  const expected = bodyBytes(n, d, k, header.version);
  if (body.remaining !== expected) {
    throw new ModelFileError(
      `${header.algorithm} model body: expected ${expected} bytes for ${n} samples of ` +
        `${width}x${height} and ${k} components, got ${body.remaining}`,
    );
  }
  const options = {
    numComponents: body.u32("numComponents"),
    maxBasisSamples: body.u32("maxBasisSamples"),
    sampledComponents: header.version >= 2
      ? body.u32("sampledComponents")
      : DEFAULT_SAMPLED_COMPONENTS,
  };
  const labels = body.i32s(n, "labels");
  const mean = body.f64s(d, "mean");
  const eigenvalues = body.f64s(k, "eigenvalues");
  const basis = allocateBasis(k, d);
  basis.data.set(body.f32s(k * d, "basis"));
  const model = {
    width,
    height,
    labels,
    mean,
    eigenvalues,
    basis,
    components: k,
    projections: body.f64s(n * k, "projections"),
  };
  return { model, options };
}

/**
 * Body size of a subspace model: options (two u32s in format version 1, three since),
 * labels, mean, eigenvalues, basis, projections.
 */
function bodyBytes(n: number, d: number, k: number, version: number): number {
  const options = version >= 2 ? 12 : 8;
  return options + 4 * n + 8 * d + 8 * k + 4 * k * d + 8 * n * k;
}
