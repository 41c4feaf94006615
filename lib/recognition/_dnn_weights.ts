/**
 * Reads the face descriptor's weights (dlib's ResNet-34, public domain, as converted by
 * face-api, MIT) from the `model/` folder of the pinned `@vladmandic/face-api` package and
 * decodes them into tfjs tensors. Nothing is fetched at run time.
 *
 * @module
 */
import type { NamedTensorMap } from "@tensorflow/tfjs";
import { readPackageFile, type Tf } from "../../wasm/tfjs.ts";
import { ModelFileError } from "./errors.ts";

const MODEL_DIR = "@vladmandic/face-api/model/";
const MANIFEST = "face_recognition_model-weights_manifest.json";
const SHARD = "face_recognition_model.bin";

/** One tensor's entry in a tfjs weights manifest, as far as we read it. */
interface WeightEntry {
  name: string;
  shape: number[];
  dtype: "float32" | "int32" | "bool";
  quantization?: { dtype: "uint8" | "uint16" | "float16"; scale?: number; min?: number };
}

const BYTES: Readonly<Record<string, number>> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

function entriesOf(manifest: unknown): WeightEntry[] {
  const group = Array.isArray(manifest) && manifest.length === 1 ? manifest[0] : undefined;
  const paths: unknown = group?.paths;
  if (!Array.isArray(paths) || paths.length !== 1 || paths[0] !== SHARD) {
    throw new ModelFileError(
      `${MANIFEST}: expected one weight group stored in ${SHARD}, got ${
        JSON.stringify(manifest).slice(0, 120)
      }`,
    );
  }
  const weights: unknown = group.weights;
  if (!Array.isArray(weights) || weights.length === 0) {
    throw new ModelFileError(`${MANIFEST}: expected a non-empty weights list`);
  }
  return weights as WeightEntry[];
}

function byteLength(entries: readonly WeightEntry[]): number {
  let total = 0;
  for (const e of entries) {
    const per = BYTES[e.quantization?.dtype ?? e.dtype];
    if (per === undefined || !Array.isArray(e.shape)) {
      throw new ModelFileError(
        `${MANIFEST}: entry ${JSON.stringify(e.name)} has an unexpected dtype or shape`,
      );
    }
    total += e.shape.reduce((a, b) => a * b, 1) * per;
  }
  return total;
}

/**
 * Reads the manifest and its one shard and decodes them into tensors (about 25 MB of float32;
 * the shard stores most of them quantized to 8 bits). The caller owns the tensors.
 * Rejects with {@link ModelFileError} when the files disagree with each other.
 */
export async function loadDescriptorWeights(tf: Tf): Promise<NamedTensorMap> {
  const [manifestBytes, shard] = await Promise.all([
    readPackageFile(MODEL_DIR + MANIFEST),
    readPackageFile(MODEL_DIR + SHARD),
  ]);
  let manifest: unknown;
  try {
    manifest = JSON.parse(new TextDecoder().decode(manifestBytes));
  } catch (e) {
    throw new ModelFileError(`${MANIFEST}: expected JSON`, { cause: e });
  }
  const entries = entriesOf(manifest);
  const expected = byteLength(entries);
  if (shard.length !== expected) {
    throw new ModelFileError(
      `${SHARD}: expected ${expected} bytes (from ${MANIFEST}), got ${shard.length}`,
    );
  }
  // Deno.readFile gives a buffer of its own, but slice anyway so an offset view cannot leak
  // neighbouring bytes into the weights.
  const buffer = shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength);
  return tf.io.decodeWeights(buffer, entries);
}
