/**
 * Gallery-adaptive ("self-calibrated") unknown-face thresholds, computed from the training
 * gallery alone, right after training.
 *
 * Open-set identification accepts the nearest candidate when its distance is under a
 * threshold; the false accept rate (FAR) is the share of strangers whose nearest distance
 * falls under it. Strangers are not available at enrolment, but every enrolled person is a
 * stranger to everybody else: the distance from a training sample to its nearest sample of a
 * *different* person is an impostor distance, drawn from the very gallery and feature space
 * the model serves. The threshold is the `targetFar` quantile of those distances: score
 * normalisation on the gallery itself, in the spirit of the cohort/Z-norm methods of speaker
 * and face verification (Auckenthaler et al., "Score normalization for text-independent
 * speaker verification systems", DSP 2000).
 *
 * That is unbiased for LBPH, whose histograms do not depend on the rest of the gallery. The
 * subspace methods are fitted to their training samples, which therefore sit farther apart
 * in the projected space than any new face will: Eigenfaces keeps their whole energy while a
 * new face loses the part outside the subspace, and Fisherfaces' LDA spreads the training
 * classes apart on purpose. So for Eigen and Fisher the quantile is scaled by a held-out-people
 * factor measured on the same gallery: the people are split in two halves, a model is trained
 * on each half, and the factor is the median nearest distance of the *other* half's faces
 * (true strangers to that model) over the median in-sample impostor distance of that model.
 * Halving the gallery makes each half-model overfit a little more than the full one, so the
 * factor errs on the side of rejecting (measured in docs/RECOGNITION.md).
 *
 * @module
 */
import { createRecognizer } from "./create_recognizer.ts";
import type { FaceImage, Recognizer } from "./recognizer.ts";

/** Options of {@link selfCalibrate} and {@link selfCalibratedThreshold}. */
export interface SelfCalibrationOptions {
  /** Share of impostor distances the threshold may accept, in (0, 1). Default 0.05. */
  readonly targetFar?: number;
  /**
   * At most this many training samples serve as impostor probes (evenly spaced, so the
   * result is deterministic); bounds the cost on large galleries. Default 200.
   */
  readonly maxProbes?: number;
  /**
   * Whether to apply the held-out-people factor (see the module documentation). Default:
   * true for Eigenfaces and Fisherfaces, false for LBPH (whose factor measured 0.98-1.00).
   */
  readonly heldOut?: boolean;
  /** The held-out half-models are trained on at most this many samples (whole people). Default 400. */
  readonly maxHeldOutSamples?: number;
  /** Builds an untrained recognizer like `recognizer` for the half-models. Default: `createRecognizer(recognizer.algorithm)`. */
  readonly create?: () => Recognizer;
}

/** Defaults of {@link SelfCalibrationOptions}. */
export const SELF_CALIBRATION_DEFAULTS: Readonly<{
  targetFar: number;
  maxProbes: number;
  maxHeldOutSamples: number;
}> = Object.freeze({
  targetFar: 0.05,
  maxProbes: 200,
  maxHeldOutSamples: 400,
});

/**
 * The smallest gallery on which Fisherfaces (or Eigenfaces) calibrates with the default
 * options: the held-out factor needs two people per half, and a 5% quantile needs 20 probes.
 */
export const FISHER_CALIBRATION: Readonly<{ people: number; faces: number }> = Object.freeze({
  people: 4,
  faces: Math.ceil(1 / SELF_CALIBRATION_DEFAULTS.targetFar - 1e-9),
});

/**
 * Whether {@link selfCalibrate} can calibrate a subspace model on a gallery of this size with
 * the default options.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fisherCalibrates } from "./self_calibration.ts";
 * assert.equal(fisherCalibrates(20, 4), true);
 * assert.equal(fisherCalibrates(19, 5), false);
 * ```
 */
export function fisherCalibrates(faces: number, people: number): boolean {
  return faces >= FISHER_CALIBRATION.faces && people >= FISHER_CALIBRATION.people;
}

/** What {@link selfCalibrate} found. */
export interface SelfCalibration {
  /** The threshold to pass to `applyThreshold`: `impostorQuantile * heldOutFactor`. */
  readonly threshold: number;
  /** The `targetFar` quantile of the in-sample impostor distances. */
  readonly impostorQuantile: number;
  /** The held-out-people factor (1 when not applied). */
  readonly heldOutFactor: number;
  /** Impostor probes used on the full model. */
  readonly probes: number;
}

/**
 * Nearest distance from (an evenly spaced sample of at most `maxProbes` of) the training
 * samples to a sample of any *other* label, using the trained `recognizer`'s own `predict`.
 * Sorted ascending.
 *
 * `predict` returns one candidate per label; the sample's own label comes first at distance
 * ~0 (the sample itself is in the model), so the first candidate with another label is the
 * impostor distance, and two candidates always suffice.
 */
export function impostorDistances(
  recognizer: Recognizer,
  images: readonly FaceImage[],
  labels: readonly number[],
  maxProbes: number = SELF_CALIBRATION_DEFAULTS.maxProbes,
): Float64Array {
  if (images.length !== labels.length) {
    throw new TypeError(`labels: expected ${images.length} (one per image), got ${labels.length}`);
  }
  checkCount("maxProbes", maxProbes, 1);
  const people = new Set(labels).size;
  if (people < 2) {
    throw new RangeError(`impostorDistances: expected at least 2 people, got ${people}`);
  }
  return Float64Array.from(spread(images.length, maxProbes), (i) => {
    const own = labels[i]!;
    return recognizer.predict(images[i]!, 2).find((c) => c.label !== own)?.distance ?? Infinity;
  }).sort();
}

/**
 * Calibrates an unknown-face threshold on the gallery `recognizer` was just trained (or
 * updated) on, for a false accept rate of about `targetFar`. Pure and deterministic.
 *
 * Throws `RangeError` when the gallery is too small to calibrate: fewer than 2 people (4 with
 * the held-out factor, two per half), fewer than `1 / targetFar` probes (20 at 5%), or a bad
 * option. Callers then fall back to `DEFAULT_THRESHOLDS`.
 */
export function selfCalibrate(
  recognizer: Recognizer,
  images: readonly FaceImage[],
  labels: readonly number[],
  options: SelfCalibrationOptions = {},
): SelfCalibration {
  const targetFar = options.targetFar ?? SELF_CALIBRATION_DEFAULTS.targetFar;
  const maxProbes = options.maxProbes ?? SELF_CALIBRATION_DEFAULTS.maxProbes;
  const maxHeldOut = options.maxHeldOutSamples ?? SELF_CALIBRATION_DEFAULTS.maxHeldOutSamples;
  const heldOut = options.heldOut ?? recognizer.algorithm !== "lbph";
  if (!(targetFar > 0 && targetFar < 1)) {
    throw new RangeError(`targetFar: expected a number in (0, 1), got ${targetFar}`);
  }
  checkCount("maxProbes", maxProbes, 1);
  checkCount("maxHeldOutSamples", maxHeldOut, 4);
  if (images.length !== labels.length) {
    throw new TypeError(`labels: expected ${images.length} (one per image), got ${labels.length}`);
  }
  const people = new Set(labels).size, minPeople = heldOut ? 4 : 2;
  if (people < minPeople) {
    throw new RangeError(
      `selfCalibrate: expected a gallery of at least ${minPeople} people for ` +
        `${recognizer.algorithm}, got ${people}`,
    );
  }
  const needed = Math.ceil(1 / targetFar - 1e-9);
  const probes = Math.min(images.length, maxProbes);
  if (probes < needed) {
    throw new RangeError(
      `selfCalibrate: expected at least ${needed} faces for targetFar ${targetFar}, got ${probes}`,
    );
  }
  const impostorQuantile = thresholdAtFar(
    impostorDistances(recognizer, images, labels, maxProbes),
    targetFar,
  );
  const heldOutFactor = heldOut
    ? heldOutPeopleFactor(
      options.create ?? (() => createRecognizer(recognizer.algorithm)),
      images,
      labels,
      maxHeldOut,
      maxProbes,
    )
    : 1;
  return { threshold: impostorQuantile * heldOutFactor, impostorQuantile, heldOutFactor, probes };
}

/**
 * The threshold alone of {@link selfCalibrate}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { LbphRecognizer } from "./lbph.ts";
 * import { selfCalibratedThreshold } from "./self_calibration.ts";
 * const face = (seed: number) => ({
 *   width: 16,
 *   height: 16,
 *   data: Uint8Array.from({ length: 256 }, (_, i) => (i * 37 + seed * (i % 7) * 11) & 255),
 * });
 * const images = Array.from({ length: 20 }, (_, i) => face(i));
 * const labels = images.map((_, i) => i % 4);
 * const lbph = new LbphRecognizer();
 * lbph.train(images, labels);
 * const threshold = selfCalibratedThreshold(lbph, images, labels, { targetFar: 0.05 });
 * assert.ok(Number.isFinite(threshold) && threshold > 0);
 * ```
 */
export function selfCalibratedThreshold(
  recognizer: Recognizer,
  images: readonly FaceImage[],
  labels: readonly number[],
  options: SelfCalibrationOptions = {},
): number {
  return selfCalibrate(recognizer, images, labels, options).threshold;
}

/**
 * The largest threshold accepting (`distance < threshold`) at most `far` of the sorted
 * `impostors`: the value at index `floor(far · n)`.
 */
export function thresholdAtFar(impostors: Float64Array, far: number): number {
  const t = impostors[Math.min(Math.floor(far * impostors.length + 1e-9), impostors.length - 1)];
  if (t === undefined) throw new RangeError("impostors: expected at least 1 distance, got 0");
  return t;
}

/** Mean over the two halves of median(stranger distance) / median(in-sample impostor distance). */
function heldOutPeopleFactor(
  create: () => Recognizer,
  images: readonly FaceImage[],
  labels: readonly number[],
  maxSamples: number,
  maxProbes: number,
): number {
  const counts = new Map<number, number>();
  for (const l of labels) counts.set(l, (counts.get(l) ?? 0) + 1);
  // Whole people, evenly spaced in label order, up to maxSamples faces (at least 4 people).
  const people = [...counts.keys()].sort((a, b) => a - b);
  const stride = Math.max(1, Math.ceil(images.length / maxSamples));
  const chosen: number[] = [];
  let total = 0;
  for (let i = 0; i < people.length; i += stride) {
    const n = counts.get(people[i]!)!;
    if (chosen.length >= 4 && total + n > maxSamples) break;
    chosen.push(people[i]!);
    total += n;
  }
  const half = new Map(chosen.map((p, i) => [p, i % 2]));
  let sum = 0;
  for (const side of [0, 1]) {
    const inImages: FaceImage[] = [], inLabels: number[] = [], strangers: FaceImage[] = [];
    labels.forEach((l, i) => {
      const h = half.get(l);
      if (h === side) {
        inImages.push(images[i]!);
        inLabels.push(l);
      } else if (h !== undefined) strangers.push(images[i]!);
    });
    const model = create();
    model.train(inImages, inLabels);
    const inSample = impostorDistances(model, inImages, inLabels, maxProbes);
    const outside = Float64Array.from(
      spread(strangers.length, maxProbes),
      (i) => model.predict(strangers[i]!, 1)[0]?.distance ?? Infinity,
    ).sort();
    const median = thresholdAtFar(inSample, 0.5);
    if (!(median > 0 && Number.isFinite(median))) {
      // E.g. the same photos enrolled under several names: no scale to measure against.
      throw new RangeError(
        `selfCalibrate: expected a positive median impostor distance, got ${median}`,
      );
    }
    sum += thresholdAtFar(outside, 0.5) / median;
  }
  return sum / 2;
}

/** `m` indices spread evenly over `0..n-1` (all of them when `n <= m`). */
function spread(n: number, m: number): number[] {
  const k = Math.min(n, m);
  return Array.from({ length: k }, (_, j) => Math.floor(((j + 0.5) * n) / k));
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name}: expected an integer >= ${min}, got ${value}`);
  }
}
