/**
 * The 128-d deep face descriptor of the `dnn` recognizer: dlib's ResNet-34 metric network
 * (`dlib_face_recognition_resnet_model_v1`, after He et al., "Deep Residual Learning for Image
 * Recognition", CVPR 2016; weights public domain) as ported to TensorFlow.js by
 * `@vladmandic/face-api@1.7.15` (MIT), run on tfjs's WebAssembly backend.
 *
 * The network is face-api's own `FaceRecognitionNet`, loaded from the package's manifest and
 * shard, so descriptors equal face-api's `computeFaceDescriptor` on the same chip. Same-person
 * chips land near each other in L2 (dlib's usual cut is 0.6; calibrate per domain).
 *
 * Chips must already be aligned to dlib's 150x150 template. Other sizes are refused rather
 * than resized: a wrong size means the aligner upstream is wrong, and quietly stretching the
 * crop would hide that while costing accuracy.
 *
 * @module
 */
import type { Tensor3D } from "@tensorflow/tfjs";
import { loadTfjs, type Tf } from "../../wasm/tfjs.ts";
import { faceApi, type FaceApiRecognitionNet } from "./_dnn_faceapi.ts";
import { loadDescriptorWeights } from "./_dnn_weights.ts";

/** Tag stored beside each embedding: which network (and port) produced it. */
export const DESCRIPTOR_MODEL = "dlib-resnet34-faceapi-1.7.15";
/** Floats per descriptor. */
export const DESCRIPTOR_LENGTH = 128;
/** Side of the aligned square chip the network expects, in pixels. */
export const CHIP_SIZE = 150;

/** An 8-bit RGB image: 3 bytes per pixel (R, G, B), row-major, no padding. */
export interface RgbImage {
  /** Columns, in pixels. */
  readonly width: number;
  /** Rows, in pixels. */
  readonly height: number;
  /** `width * height * 3` bytes: R, G, B for each pixel, rows top to bottom. */
  readonly data: Uint8Array;
}

/**
 * Chips per forward pass in {@link FaceDescriptor.computeBatch}. Measured here: a pass of 8
 * costs about 0.85x the CPU time per chip of single passes (27-28 ms against 33 ms), while
 * 2 or 4 gain nothing measurable. The price is memory: the first pass of 8 grows the wasm heap
 * by about 100 MB (16: about 220 MB), and that heap never shrinks. Hence the cap.
 */
const MAX_BATCH = 8;

const CHIP_BYTES = CHIP_SIZE * CHIP_SIZE * 3;

function checkChip(chip: RgbImage, where: string): void {
  if (typeof chip !== "object" || chip === null) {
    throw new TypeError(`${where}: expected an RgbImage object, got ${chip}`);
  }
  const { width, height, data } = chip;
  if (!Number.isInteger(width) || !Number.isInteger(height)) {
    throw new TypeError(
      `${where}: expected integer width and height, got ${width}x${height}`,
    );
  }
  if (!(data instanceof Uint8Array)) {
    throw new TypeError(
      `${where}: expected data as a Uint8Array, got ${
        (data as unknown as object)?.constructor?.name ?? typeof data
      }`,
    );
  }
  if (width !== CHIP_SIZE || height !== CHIP_SIZE) {
    throw new RangeError(
      `${where}: expected an aligned ${CHIP_SIZE}x${CHIP_SIZE} chip, got ${width}x${height}`,
    );
  }
  if (data.length !== CHIP_BYTES) {
    throw new TypeError(
      `${where}: expected ${CHIP_BYTES} bytes of RGB (${CHIP_SIZE}x${CHIP_SIZE}x3), got ` +
        `${data.length}${data.length === CHIP_SIZE * CHIP_SIZE * 4 ? " (RGBA?)" : ""}`,
    );
  }
}

/**
 * Computes 128-d face descriptors from aligned 150x150 RGB chips, synchronously.
 *
 * Memory, measured here: the first instance in an isolate (a worker) adds about 170-190 MB of
 * RSS (tfjs and face-api code about 55 MB, weights and the warm-up's wasm heap 100-130 MB);
 * each further instance in the same isolate 70-80 MB. The wasm heap never shrinks. Create one
 * per worker and reuse it.
 *
 * @example
 * ```ts ignore
 * using descriptor = await FaceDescriptor.create();
 * const embedding = descriptor.compute(chip); // Float32Array(128)
 * ```
 */
export class FaceDescriptor implements Disposable {
  #tf: Tf;
  #net: FaceApiRecognitionNet | undefined;

  private constructor(tf: Tf, net: FaceApiRecognitionNet) {
    this.#tf = tf;
    this.#net = net;
  }

  /**
   * Starts the wasm backend (once per isolate), loads the weights from the pinned face-api
   * package and runs one warm-up inference, because the first pass is several times slower
   * than the rest. Rejects when the backend is not `wasm` or the weights do not load.
   */
  static async create(): Promise<FaceDescriptor> {
    const { tf } = await loadTfjs();
    // face-api calls tfjs through its own import; make sure it really reaches the same engine.
    const theirs = faceApi.tf.getBackend();
    if (theirs !== "wasm") {
      throw new Error(`face-api: expected it to run on the "wasm" backend, got ${theirs}`);
    }
    const weights = await loadDescriptorWeights(tf);
    const net = new faceApi.FaceRecognitionNet();
    try {
      net.loadFromWeightMap(weights);
    } catch (e) {
      for (const t of Object.values(weights)) t.dispose();
      throw new Error(`face-api's FaceRecognitionNet refused the weights`, { cause: e });
    }
    const descriptor = new FaceDescriptor(tf, net);
    try {
      descriptor.compute({
        width: CHIP_SIZE,
        height: CHIP_SIZE,
        data: new Uint8Array(CHIP_BYTES).fill(128),
      });
    } catch (e) {
      descriptor[Symbol.dispose]();
      throw e;
    }
    return descriptor;
  }

  /**
   * The descriptor of one aligned chip: {@link DESCRIPTOR_LENGTH} floats.
   * Throws `TypeError` for a malformed image and `RangeError` for a chip that is not
   * {@link CHIP_SIZE} square.
   */
  compute(chip: RgbImage): Float32Array {
    checkChip(chip, "FaceDescriptor.compute()");
    return this.#run([chip])[0] as Float32Array;
  }

  /**
   * Descriptors of many chips, in order, computed in forward passes of up to 8 chips: about
   * 15% less CPU per chip than {@link compute} in a loop, but the first full pass leaves the
   * wasm heap about 100 MB larger for good, so a memory-tight worker should loop over
   * `compute()` instead. Every chip is checked before any work starts; an empty list gives an
   * empty result.
   */
  computeBatch(chips: readonly RgbImage[]): Float32Array[] {
    if (!Array.isArray(chips)) {
      throw new TypeError(
        `FaceDescriptor.computeBatch(): expected an array of chips, got ${chips}`,
      );
    }
    chips.forEach((chip, i) => checkChip(chip, `FaceDescriptor.computeBatch() chip ${i}`));
    const out: Float32Array[] = [];
    for (let i = 0; i < chips.length; i += MAX_BATCH) {
      out.push(...this.#run(chips.slice(i, i + MAX_BATCH)));
    }
    return out;
  }

  /** Frees the weights. Safe to call twice; the instance is unusable afterwards. */
  [Symbol.dispose](): void {
    this.#net?.dispose(false);
    this.#net = undefined;
  }

  #run(chips: readonly RgbImage[]): Float32Array[] {
    const net = this.#net;
    if (!net) throw new Error("FaceDescriptor used after dispose: expected a live instance");
    const tf = this.#tf;
    const inputs: Tensor3D[] = [];
    try {
      for (const chip of chips) {
        // face-api casts to float32 anyway; handing it floats skips one pass over the pixels.
        inputs.push(
          tf.tensor3d(Float32Array.from(chip.data), [CHIP_SIZE, CHIP_SIZE, 3], "float32"),
        );
      }
      // forwardInput runs in tf.tidy, so only its [n, 128] result survives it.
      const result = net.forwardInput(new faceApi.NetInput(inputs, true));
      let flat: Float32Array;
      try {
        flat = result.dataSync() as Float32Array;
      } finally {
        result.dispose();
      }
      return chips.map((_, i) => flat.slice(i * DESCRIPTOR_LENGTH, (i + 1) * DESCRIPTOR_LENGTH));
    } finally {
      for (const t of inputs) t.dispose();
    }
  }
}
