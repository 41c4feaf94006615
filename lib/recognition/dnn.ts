/**
 * The `dnn` recognizer: nearest neighbour over deep face descriptors (dlib's ResNet-34
 * metric network, King 2017, "High Quality Face Recognition with Deep Metric Learning";
 * He et al., "Deep Residual Learning for Image Recognition", CVPR 2016), under the L2
 * distance.
 *
 * The network itself is not in this file: an {@link Embedder} turns face images (aligned
 * chips) into descriptors, so that the same model logic serves the service, which computes
 * each face's descriptor once in a worker and stores it, and callers that hand images in.
 * Training is storing descriptors, so `update` is natural and cheap.
 *
 * @module
 */
import type { Algorithm, Candidate, FaceImage, Recognizer } from "./recognizer.ts";
import { checkImage, checkLimit, checkTrainingSet, type ImageSize } from "./_validate.ts";
import { EmbeddingIndex } from "./embedding_index.ts";
import { ModelFileError, NotTrainedError } from "./errors.ts";
import { decodeModel, encodeModel } from "./model_file.ts";

/** Turns face images into descriptors, one per image, all of the same length. */
export interface Embedder {
  /** Tag of the model that computes the descriptors (stored beside them). */
  readonly model: string;
  /** Descriptor length. */
  readonly dimension: number;
  /** One descriptor of {@link Embedder.dimension} floats per image, in order. */
  embed(images: readonly FaceImage[]): Float32Array[];
}

/**
 * See the module documentation. Without an embedder, only the descriptor-level methods
 * ({@link DnnRecognizer.addDescriptors}, {@link DnnRecognizer.predictDescriptor}) work.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DnnRecognizer } from "./dnn.ts";
 *
 * const r = new DnnRecognizer({ model: "toy", dimension: 2 });
 * r.addDescriptors([Float32Array.of(0, 0), Float32Array.of(1, 1)], [4, 5]);
 * assert.equal(r.predictDescriptor(Float32Array.of(0.9, 1))[0]!.label, 5);
 * ```
 */
export class DnnRecognizer implements Recognizer {
  readonly algorithm: Algorithm = "dnn";
  readonly supportsUpdate = true;
  /** Tag of the model the descriptors come from (see {@link Embedder.model}). */
  readonly model: string;
  readonly #embedder: Embedder | undefined;
  #index: EmbeddingIndex;
  #size: ImageSize | undefined;

  /**
   * Takes an {@link Embedder}, or only its `model` tag and `dimension` for a recognizer
   * fed descriptors.
   */
  constructor(embedder: Embedder | { model: string; dimension: number }) {
    this.model = embedder.model;
    this.#embedder = "embed" in embedder ? embedder : undefined;
    this.#index = new EmbeddingIndex(embedder.dimension);
  }

  get trained(): boolean {
    return this.#index.size > 0;
  }

  get sampleCount(): number {
    return this.#index.size;
  }

  get imageSize(): ImageSize | undefined {
    return this.#size;
  }

  /** Descriptor length. */
  get dimension(): number {
    return this.#index.dimension;
  }

  #embed(images: readonly FaceImage[]): Float32Array[] {
    if (!this.#embedder) {
      throw new TypeError(
        "DnnRecognizer: expected an embedder to take images; this one holds descriptors only",
      );
    }
    return this.#embedder.embed(images);
  }

  train(images: readonly FaceImage[], labels: readonly number[]): void {
    const size = checkTrainingSet(images, labels, undefined, true);
    const vectors = this.#embed(images);
    const index = new EmbeddingIndex(this.dimension, images.length);
    index.add(vectors, labels);
    this.#index = index;
    this.#size = size;
  }

  update(images: readonly FaceImage[], labels: readonly number[]): void {
    if (!this.trained) {
      this.train(images, labels);
      return;
    }
    checkTrainingSet(images, labels, this.#size, true);
    this.#index.add(this.#embed(images), labels);
  }

  predict(image: FaceImage, limit = 5): Candidate[] {
    if (!this.trained) throw new NotTrainedError("dnn: predict() before train()");
    checkLimit(limit);
    checkImage(image, "image", this.#size, true);
    return this.#index.search(this.#embed([image])[0]!, limit);
  }

  /** Adds descriptors computed elsewhere (`ids` name the faces, for removal). */
  addDescriptors(
    vectors: readonly Float32Array[],
    labels: readonly number[],
    ids?: readonly number[],
  ): void {
    this.#index.add(vectors, labels, ids);
  }

  /** Drops every descriptor of a person; returns how many went. */
  removeLabel(label: number): number {
    return this.#index.removeLabel(label);
  }

  /** Drops the descriptors of these faces; returns how many went. */
  removeFaces(ids: Iterable<number>): number {
    return this.#index.removeIds(ids);
  }

  /** The ids of the faces whose descriptors it holds. */
  faceIds(): number[] {
    return this.#index.ids();
  }

  /** Nearest people for a descriptor computed elsewhere; empty when nothing is held. */
  predictDescriptor(vector: Float32Array, limit = 5): Candidate[] {
    return this.#index.search(vector, limit);
  }

  /**
   * Body: the descriptor model tag (u32 length + UTF-8), then labels (i32), face ids
   * (f64) and the descriptors (f32), row-major.
   */
  save(): Uint8Array {
    if (!this.trained) throw new NotTrainedError("dnn: save() before train()");
    const tag = new TextEncoder().encode(this.model);
    const n = this.#index.size, d = this.dimension;
    return encodeModel(
      {
        algorithm: "dnn",
        width: this.#size?.width ?? 0,
        height: this.#size?.height ?? 0,
        samples: n,
        dimension: d,
      },
      (w) => {
        w.u32(tag.length);
        w.bytes(tag);
        w.array(this.#index.labels());
        w.array(Float64Array.from(this.#index.ids()));
        w.array(this.#index.vectors());
      },
      4 + tag.length + n * (4 + 8 + 4 * d),
    );
  }

  /**
   * Restores a model written by {@link save}. Give the embedder to predict from images; it
   * must be the model that made the stored descriptors.
   */
  static load(bytes: Uint8Array, embedder?: Embedder): DnnRecognizer {
    const { header, body } = decodeModel(bytes);
    if (header.algorithm !== "dnn") {
      throw new ModelFileError(`expected a dnn model file, got ${header.algorithm}`);
    }
    const tagLength = body.u32("model tag length");
    if (tagLength > 1024) {
      throw new ModelFileError(`model tag: expected at most 1024 bytes, got ${tagLength}`);
    }
    const tag = new TextDecoder().decode(bodyBytes(body, tagLength));
    if (embedder && embedder.model !== tag) {
      throw new ModelFileError(
        `descriptors were made by ${tag}, expected the embedder's ${embedder.model}`,
      );
    }
    const n = header.samples, d = header.dimension;
    const labels = body.i32s(n, "labels");
    const ids = body.f64s(n, "face ids");
    const flat = body.f32s(n * d, "descriptors");
    const r = new DnnRecognizer(embedder ?? { model: tag, dimension: d });
    r.addDescriptors(
      Array.from({ length: n }, (_, i) => flat.subarray(i * d, (i + 1) * d)),
      Array.from(labels),
      Array.from(ids),
    );
    if (header.width > 0) r.#size = { width: header.width, height: header.height };
    return r;
  }
}

function bodyBytes(body: { u8(what: string): number }, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = body.u8("model tag");
  return out;
}
