/**
 * A typed window onto the few parts of `@vladmandic/face-api` (pinned in deno.json) that the
 * dnn recognizer calls.
 *
 * Why this entry point: the package's main needs `@tensorflow/tfjs-node` and its ESM bundles
 * fail under Deno, while `dist/face-api.node-wasm.js` is CommonJS that requires
 * `@tensorflow/tfjs` and `@tensorflow/tfjs-backend-wasm`, which resolve to the copies deno.json
 * pins (face-api declares neither), so it shares their engine and backend.
 *
 * Why the cast: face-api's declarations inline their own copy of the tfjs types, which
 * TypeScript treats as unrelated to the pinned package's. The members described here use the
 * real tfjs types.
 *
 * @module
 */
import * as faceApiModule from "@vladmandic/face-api/dist/face-api.node-wasm.js";
import type { NamedTensorMap, Tensor2D, Tensor3D } from "@tensorflow/tfjs";

/** face-api's input wrapper: image tensors to be stacked into one batch. */
export interface FaceApiNetInput {
  /** How many images the batch holds. */
  readonly batchSize: number;
}

/** face-api's port of dlib's ResNet-34 face descriptor network. */
export interface FaceApiRecognitionNet {
  /** True once weights are loaded and until they are disposed. */
  readonly isLoaded: boolean;
  /** Takes ownership of the tensors it uses and disposes the others. */
  loadFromWeightMap(weights: NamedTensorMap): void;
  /** One forward pass: `[batch, 128]`, computed inside `tf.tidy`. */
  forwardInput(input: FaceApiNetInput): Tensor2D;
  /** Frees the weights. Throws on a second call unless `throwOnRedispose` is false. */
  dispose(throwOnRedispose?: boolean): void;
}

/** The members of face-api's namespace the descriptor uses. */
export interface FaceApiRecognition {
  /** The descriptor network's class. */
  readonly FaceRecognitionNet: new () => FaceApiRecognitionNet;
  /** Wraps 3-D image tensors; `treatAsBatchInput` keeps a batch of one a batch. */
  readonly NetInput: new (inputs: Tensor3D[], treatAsBatchInput?: boolean) => FaceApiNetInput;
  /** The tfjs namespace face-api itself calls (the pinned one, re-exported). */
  readonly tf: { getBackend(): string };
  /** face-api's own version string, e.g. "1.7.15". */
  readonly version: string;
}

/** face-api, seen through {@link FaceApiRecognition}. */
export const faceApi: FaceApiRecognition = faceApiModule as unknown as FaceApiRecognition;
