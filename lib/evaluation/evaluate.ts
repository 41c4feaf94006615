/**
 * Trains one algorithm on a split and scores it with native_baseline.py's figures.
 * @module
 */
import {
  type Algorithm,
  createRecognizer,
  defaultThreshold,
  EigenfacesRecognizer,
  type Embedder,
  FisherfacesRecognizer,
  galleryThreshold,
  isGreyChip,
  type Recognizer,
} from "../recognition/mod.ts";
import { selfCalibrate, type SelfCalibration } from "../recognition/self_calibration.ts";
import type { Dataset, Probe } from "./split_corpus.ts";
import { openSetRates, type Scored } from "./open_set_rates.ts";
import { round } from "./stats.ts";

/** One algorithm's figures (native_baseline.py's keys, plus the open-set ones). */
export interface EvalResult {
  /** The algorithm evaluated. */
  algorithm: Algorithm;
  /** People in the dataset, known and unknown. */
  people: number;
  /** Images trained on. */
  train_images: number;
  /** Known people's held-out images. */
  test_images: number;
  /** Images in which detection found no face. */
  no_face: number;
  /** Closed-set accuracy: nearest candidate right, whatever its distance. */
  accuracy: number;
  /** Training time. */
  train_ms: number;
  /** Mean predict time over the test images. */
  predict_ms_per_image: number;
  /** Mean detection time, or `null` without detection. */
  detect_ms_per_image: number | null;
  /** Files no reader could decode, when there were any. */
  unreadable?: number;
  /** Open set: people never trained. */
  unknown_people?: number;
  /** Open set: images of those people. */
  unknown_probes?: number;
  /** Open set: the threshold applied. */
  threshold?: number;
  /** Open set: a fixed threshold, or one calibrated on the gallery. */
  threshold_mode?: "fixed" | "gallery";
  /** Gallery mode: the calibration's parts and its cost. */
  gallery_calibration?: SelfCalibration & { ms: number };
  /** Open set: known probes named right under the threshold. */
  known_accuracy?: number;
  /** Open set: unknown probes given a name. */
  false_accept_rate?: number;
}

/** A fixed threshold, or `{ targetFar }` to calibrate one on the training gallery. */
export type ThresholdChoice = number | { readonly targetFar: number };

/** What {@link evaluate} returns: the figures and every probe's nearest candidate. */
export interface Evaluation {
  /** The figures. */
  readonly result: EvalResult;
  /** Every test probe of a known person, scored. */
  readonly known: Scored[];
  /** Every probe of an untrained person, scored. */
  readonly unknown: Scored[];
}

/**
 * A recognizer that trains as OpenCV does at any gallery size: the service's recognizers fit
 * their PCA on a sample above 500 faces (`maxBasisSamples`), which native never does.
 */
function exactRecognizer(algorithm: Algorithm, embedder?: Embedder): Recognizer {
  if (algorithm === "eigen") return new EigenfacesRecognizer({ maxBasisSamples: 0 });
  if (algorithm === "fisher") return new FisherfacesRecognizer({ maxBasisSamples: 0 });
  return createRecognizer(algorithm, { embedder });
}

/**
 * The service's default threshold for this dataset: the one for the training gallery's size
 * (`galleryThreshold`; Fisher's small-gallery value, since the service calibrates larger
 * galleries as `--threshold-mode gallery` does), except that dnn on a dataset of greyscale
 * photos gets the greyscale one, as the service decides per photo.
 */
function defaultChoice(data: Dataset, algorithm: Algorithm): number {
  const probes = [...data.test, ...data.unknown];
  if (algorithm === "dnn" && probes.length > 0 && probes.every((p) => isGreyChip(p.image))) {
    return defaultThreshold("dnn", probes[0]!.image);
  }
  const labels = data.train.map((p) => p.label);
  return galleryThreshold(algorithm, { faces: labels.length, people: new Set(labels).size });
}

/**
 * Trains `algorithm` on the dataset's train split and scores every probe. `dnn` needs an
 * `embedder` and a corpus of aligned chips.
 */
export function evaluate(
  data: Dataset,
  algorithm: Algorithm,
  choice: ThresholdChoice = defaultChoice(data, algorithm),
  embedder?: Embedder,
): Evaluation {
  const r = exactRecognizer(algorithm, embedder);
  const images = data.train.map((p) => p.image), labels = data.train.map((p) => p.label);
  const t0 = performance.now();
  r.train(images, labels);
  const trainMs = performance.now() - t0;
  let threshold: number, galleryCalibration: EvalResult["gallery_calibration"];
  if (typeof choice === "number") threshold = choice;
  else {
    const started = performance.now();
    const found = selfCalibrate(r, images, labels, { targetFar: choice.targetFar });
    galleryCalibration = { ...found, ms: round(performance.now() - started, 1) };
    threshold = found.threshold;
  }
  const t1 = performance.now();
  const score = (p: Probe): Scored => ({ label: p.label, best: r.predict(p.image, 1)[0] });
  const known = data.test.map(score);
  const t2 = performance.now();
  const unknown = data.unknown.map(score);
  const correct = known.filter((s) => s.best?.label === s.label).length;
  const result: EvalResult = {
    algorithm,
    people: data.people.length,
    train_images: data.train.length,
    test_images: data.test.length,
    no_face: data.noFace,
    accuracy: round(correct / Math.max(1, known.length), 4),
    train_ms: round(trainMs, 1),
    predict_ms_per_image: round((t2 - t1) / Math.max(1, known.length), 3),
    detect_ms_per_image: data.detectMsPerImage,
  };
  if (data.unreadable > 0) result.unreadable = data.unreadable;
  if (data.unknownPeople > 0) {
    const rates = openSetRates(known, unknown, threshold);
    Object.assign(result, {
      unknown_people: data.unknownPeople,
      unknown_probes: unknown.length,
      threshold: round(threshold, 2),
      threshold_mode: galleryCalibration ? "gallery" : "fixed",
      ...(galleryCalibration ? { gallery_calibration: galleryCalibration } : {}),
      known_accuracy: round(rates.knownAccuracy, 4),
      false_accept_rate: round(rates.falseAcceptRate, 4),
    });
  }
  return { result, known, unknown };
}
