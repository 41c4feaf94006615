/**
 * The recognizer's half of verify ("is this the same person?"): the distance between two
 * faces, or between one face and the nearest stored face of an enrolled person, against the
 * algorithm's threshold (docs/PROTOCOL.md §11.2).
 *
 * - `dnn` compares descriptors (L2) and needs no gallery for two faces.
 * - LBPH's chi-square between two faces' histograms needs no gallery either; it runs in a
 *   prediction worker on a one-face model.
 * - Eigenfaces and Fisherfaces measure distances in the subspace of a trained gallery, so
 *   they compare a face with an enrolled person only.
 *
 * @module
 */
import type { GalleryStore } from "../gallery/mod.ts";
import type {
  RecognizerVerifyRequest,
  VerifyResponse,
  WireChip,
  WireFace,
} from "../protocol/messages.ts";
import { DEFAULT_THRESHOLDS, defaultThreshold } from "../recognition/mod.ts";
import type { ClassicAlgorithm } from "../core/algorithms.ts";
import type { DnnModel } from "./dnn_model.ts";
import { ModelNotReadyError, ServiceError } from "./errors.ts";
import type { ModelManager } from "./model_manager.ts";
import type { RecognitionPool } from "./recognition_worker.ts";

/** What verify reads: the gallery, the models and a pool to run comparisons on. */
export interface VerifyParts {
  gallery: GalleryStore;
  dnn: DnnModel;
  models: ModelManager;
  predictors: RecognitionPool;
}

interface Compared {
  distance: number;
  threshold: number;
}

/**
 * Answers a verify of two faces, or of one face and `request.name`.
 *
 * @throws {ServiceError} badRequest for the wrong number of faces, a dnn face without a
 * chip, or eigen/fisher with two faces; {@link ModelNotReadyError} when the algorithm cannot
 * compare with the person yet; the gallery's `not_found` for an unknown name.
 */
export async function verifyFaces(
  parts: VerifyParts,
  request: RecognizerVerifyRequest,
): Promise<VerifyResponse> {
  const { faces, algorithm, name } = request;
  const expected = name === undefined ? 2 : 1;
  if (faces.length !== expected) {
    throw new ServiceError(
      "badRequest",
      `verify: expected ${
        name === undefined ? "2 faces (one per photo)" : "1 face with a name"
      }, got ${faces.length}`,
    );
  }
  const person = name === undefined ? undefined : await parts.gallery.personFaces(name);
  const target = person && { label: person.personId, name: person.name };
  const compared = algorithm === "dnn"
    ? await compareDnn(parts, faces, target)
    : await compareClassic(parts, algorithm as ClassicAlgorithm, faces, target);
  const threshold = request.threshold ?? compared.threshold;
  return {
    op: "verify",
    status: "ok",
    algorithm,
    faces: faces.map(() => 1),
    ...(target ? { name: target.name } : {}),
    same: compared.distance < threshold,
    distance: compared.distance,
    threshold,
  };
}

interface Target {
  label: number;
  name: string;
}

async function compareDnn(
  parts: VerifyParts,
  faces: readonly WireFace[],
  target: Target | undefined,
): Promise<Compared> {
  const chips: WireChip[] = faces.map((face, i) => {
    if (face.chip) return face.chip;
    throw new ServiceError(
      "badRequest",
      `verify: dnn needs an aligned chip for every face, and face ${i} has none ` +
        `(run the detector with --face-detector yunet, or choose lbph)`,
    );
  });
  const { vectors } = await parts.dnn.embed(chips, false);
  // Grey descriptors crowd together: when either photo is grey, its stricter threshold.
  const threshold = Math.min(
    ...chips.map((c) =>
      defaultThreshold("dnn", { width: c.width, height: c.height, data: c.pixels, channels: 3 })
    ),
  );
  const [probe, other] = vectors;
  if (!probe) throw new Error("verify: the descriptor network returned nothing");
  if (!target) return { distance: l2(probe, other!), threshold };
  const distance = parts.dnn.distanceTo(probe, target.label, (await parts.gallery.counts()).people);
  if (distance === undefined) {
    throw new ModelNotReadyError(
      `${target.name} has no face dnn can use (enrolled without an aligned chip, or the ` +
        `descriptors are still being computed); enroll a photo again through a YuNet detector`,
    );
  }
  return { distance, threshold };
}

async function compareClassic(
  parts: VerifyParts,
  algorithm: ClassicAlgorithm,
  faces: readonly WireFace[],
  target: Target | undefined,
): Promise<Compared> {
  const probe = (f: WireFace) => ({ width: f.width, height: f.height, pixels: f.pixels.slice() });
  if (!target) {
    if (algorithm !== "lbph") {
      throw new ServiceError(
        "badRequest",
        `verify: ${algorithm} measures distances in the subspace of a trained gallery, so it ` +
          `can compare a photo with an enrolled person (--name) but not two photos; ` +
          `compare two photos with dnn or lbph`,
      );
    }
    const pair: [ReturnType<typeof probe>, ReturnType<typeof probe>] = [
      probe(faces[0]!),
      probe(faces[1]!),
    ];
    const distance = await parts.predictors.run(
      { type: "compare", algorithm, faces: pair },
      pair.map((f) => f.pixels.buffer),
    );
    return { distance, threshold: DEFAULT_THRESHOLDS.lbph };
  }
  const people = (await parts.gallery.counts()).people;
  const { ranked, threshold } = await parts.models.predict(algorithm, [faces[0]!], people);
  const hit = ranked[0]?.find((c) => c.label === target.label);
  if (!hit) {
    throw new ModelNotReadyError(
      `the ${algorithm} model does not include ${target.name} yet (it is retraining); ` +
        `try again shortly`,
    );
  }
  return { distance: hit.distance, threshold: threshold ?? DEFAULT_THRESHOLDS[algorithm] };
}

/** The L2 distance between two descriptors of the same length. */
function l2(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    sum += d * d;
  }
  return Math.sqrt(sum);
}
