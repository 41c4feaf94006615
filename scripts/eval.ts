/**
 * Recognition accuracy on a folder-per-person dataset, with the same split and JSON keys as
 * ../shared/tools/native_baseline.py (native OpenCV), so the two can be compared line by line.
 *
 *   deno task eval --dataset DIR [--algorithm eigen|fisher|lbph|all] [--train-per-person K]
 *                  [--size WxH] [--detect] [--unknown-people N] [--threshold T]
 *                  [--calibrate] [--threshold-mode fixed|gallery] [--target-far F]
 *                  [--rotate] [--json]
 *
 * Split: people and file names sorted plainly (by code unit), the first K files of each
 * person train, the rest test. Every file counts, whatever its extension, as in the native
 * tool; one no reader can decode is skipped with a warning (and counted as `unreadable`).
 * Eigen and Fisher train exactly, as OpenCV does, however many faces there are (the
 * service fits its basis on a sample above 500). `--detect` runs the Haar cascade first and keeps the largest
 * face; images without one count as `no_face`. Every image is resized to `--size` (92x112).
 * `--unknown-people N` never trains the last N people: all their images are probes, and the
 * output adds `known_accuracy` (right name, under the threshold) and `false_accept_rate`
 * (unknown probes given a name). The threshold is the algorithm's default unless
 * `--threshold` is given, or `--calibrate` derives one from the other people (see
 * `calibrateOnOtherPeople`). `--threshold-mode gallery` instead calibrates the threshold on
 * the training gallery alone, right after training (`selfCalibrate`, for a false accept
 * rate of `--target-far`, default 0.05), as the service does. `--rotate` also makes every
 * other block of N consecutive people unknown in turn and adds each split's figures and
 * their mean (`rotations`): one split of 10 unknown people is a noisy estimate. One JSON line per algorithm on stdout; without `--json` a
 * readable summary goes to stderr as well.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  type Algorithm,
  ALGORITHMS,
  applyThreshold,
  type Candidate,
  createRecognizer,
  DEFAULT_THRESHOLDS,
  EigenfacesRecognizer,
  type FaceImage,
  FisherfacesRecognizer,
  type Recognizer,
} from "../lib/recognition/mod.ts";
import { decodeGray } from "../lib/imaging/decode.ts";
import { ImageError } from "../lib/imaging/errors.ts";
import { cropAndResize, resizeGray } from "../lib/imaging/crop.ts";
import { HaarDetector } from "../lib/detection/haar.ts";
import { loadOpenCV } from "../wasm/opencv.ts";
import { selfCalibrate, type SelfCalibration } from "../lib/recognition/self_calibration.ts";

/** How to read a dataset. */
export interface ReadOptions {
  readonly dir: string;
  readonly width: number;
  readonly height: number;
  readonly detect: boolean;
}

/** One image and its true label. */
export interface Probe {
  readonly image: FaceImage;
  readonly label: number;
}

/** Every usable image of every person, in sorted order, with its file index. */
export interface Corpus {
  readonly people: string[];
  readonly images: { readonly person: number; readonly index: number; readonly image: FaceImage }[];
  readonly noFace: number;
  /** Files no reader could decode (skipped with a warning; the native tool would stop). */
  readonly unreadable: number;
  readonly detectMsPerImage: number | null;
}

/** A train/test split of a corpus, with untrained people's images apart. */
export interface Dataset {
  readonly people: string[];
  readonly unknownPeople: number;
  readonly train: Probe[];
  readonly test: Probe[];
  /** Images of untrained people, labelled -1 - person index. */
  readonly unknown: Probe[];
  readonly noFace: number;
  /** Files no reader could decode (skipped with a warning; the native tool would stop). */
  readonly unreadable: number;
  readonly detectMsPerImage: number | null;
}

const plainSort = (names: string[]) => names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Reads a folder-per-person dataset, optionally detecting the largest face, resized. */
export async function readCorpus(o: ReadOptions): Promise<Corpus> {
  const people: string[] = [];
  for await (const e of Deno.readDir(o.dir)) if (e.isDirectory) people.push(e.name);
  plainSort(people);
  const detector = o.detect ? await HaarDetector.create() : undefined;
  const { cv } = await loadOpenCV();
  const images: Corpus["images"] = [];
  let noFace = 0, unreadable = 0, detectMs = 0, detections = 0;
  try {
    for (const [person, name] of people.entries()) {
      const dir = `${o.dir}/${name}`;
      const files: string[] = [];
      // Every file counts, whatever its name, as in the native tool: readers go by content,
      // and a file's position in the sorted listing decides train or test.
      for await (const e of Deno.readDir(dir)) if (e.isFile) files.push(e.name);
      for (const [index, file] of plainSort(files).entries()) {
        let gray;
        try {
          gray = decodeGray(await Deno.readFile(`${dir}/${file}`));
        } catch (e) {
          if (!(e instanceof ImageError)) throw e;
          console.error(`eval: skipping ${dir}/${file}: ${e.message}`);
          unreadable++;
          continue;
        }
        if (detector) {
          const t = performance.now();
          const [box] = detector.detect(gray);
          detectMs += performance.now() - t;
          detections++;
          if (box === undefined) {
            noFace++;
            continue;
          }
          gray = cropAndResize(cv, gray, box, o.width, o.height);
        } else if (gray.width !== o.width || gray.height !== o.height) {
          gray = resizeGray(cv, gray, o.width, o.height);
        }
        images.push({ person, index, image: gray });
      }
    }
  } finally {
    detector?.[Symbol.dispose]();
  }
  return {
    people,
    images,
    noFace,
    unreadable,
    detectMsPerImage: detections ? round(detectMs / detections, 2) : null,
  };
}

/**
 * Splits a corpus: the first `trainPerPerson` files of each person train, the rest test;
 * people `unknownFrom .. unknownFrom + unknownPeople - 1` are never trained.
 */
export function splitCorpus(
  corpus: Corpus,
  trainPerPerson: number,
  unknownPeople = 0,
  unknownFrom = corpus.people.length - unknownPeople,
): Dataset {
  if (unknownPeople >= corpus.people.length) {
    throw new RangeError(
      `--unknown-people: expected fewer than the ${corpus.people.length} people, got ${unknownPeople}`,
    );
  }
  const train: Probe[] = [], test: Probe[] = [], unknown: Probe[] = [];
  for (const { person, index, image } of corpus.images) {
    if (person >= unknownFrom && person < unknownFrom + unknownPeople) {
      unknown.push({ image, label: -1 - person });
    } else (index < trainPerPerson ? train : test).push({ image, label: person });
  }
  return {
    people: corpus.people,
    unknownPeople,
    train,
    test,
    unknown,
    noFace: corpus.noFace,
    unreadable: corpus.unreadable,
    detectMsPerImage: corpus.detectMsPerImage,
  };
}

/** One algorithm's figures (native_baseline.py's keys, plus the open-set ones). */
export interface EvalResult {
  algorithm: Algorithm;
  people: number;
  train_images: number;
  test_images: number;
  no_face: number;
  accuracy: number;
  train_ms: number;
  predict_ms_per_image: number;
  detect_ms_per_image: number | null;
  unreadable?: number;
  unknown_people?: number;
  unknown_probes?: number;
  threshold?: number;
  threshold_mode?: "fixed" | "gallery";
  /** Gallery mode: the calibration's parts and its cost. */
  gallery_calibration?: SelfCalibration & { ms: number };
  known_accuracy?: number;
  false_accept_rate?: number;
}

/** The nearest candidate for every probe, with the true label. */
export interface Scored {
  readonly label: number;
  readonly best: Candidate | undefined;
}

/** A fixed threshold, or `{ targetFar }` to calibrate one on the training gallery. */
export type ThresholdChoice = number | { readonly targetFar: number };

/**
 * A recognizer that trains as OpenCV does at any gallery size: the service's recognizers fit
 * their PCA on a sample above 500 faces (`maxBasisSamples`), which native never does.
 */
function exactRecognizer(algorithm: Algorithm): Recognizer {
  if (algorithm === "eigen") return new EigenfacesRecognizer({ maxBasisSamples: 0 });
  if (algorithm === "fisher") return new FisherfacesRecognizer({ maxBasisSamples: 0 });
  return createRecognizer(algorithm);
}

/** Trains `algorithm` on the dataset's train split and scores every probe. */
export function evaluate(
  data: Dataset,
  algorithm: Algorithm,
  choice: ThresholdChoice = DEFAULT_THRESHOLDS[algorithm],
): { result: EvalResult; known: Scored[]; unknown: Scored[] } {
  const r = exactRecognizer(algorithm);
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

/** Known probes named correctly under `threshold`, and unknown probes given any name. */
export function openSetRates(
  known: readonly Scored[],
  unknown: readonly Scored[],
  threshold: number,
): { knownAccuracy: number; falseAcceptRate: number } {
  const accepted = (s: Scored) =>
    s.best !== undefined && applyThreshold([s.best], threshold).length > 0;
  return {
    knownAccuracy: known.filter((s) => accepted(s) && s.best!.label === s.label).length /
      Math.max(1, known.length),
    falseAcceptRate: unknown.filter(accepted).length / Math.max(1, unknown.length),
  };
}

/** A threshold calibration on one split. */
export interface Calibration {
  /** Maximises known_accuracy - false_accept_rate (midpoint of the best interval). */
  readonly best: { threshold: number; knownAccuracy: number; falseAcceptRate: number };
  /** The largest threshold with false_accept_rate <= 5%. */
  readonly far5: { threshold: number; knownAccuracy: number; falseAcceptRate: number };
}

/** Sweeps every distinct nearest distance as a threshold candidate. */
export function calibrate(known: readonly Scored[], unknown: readonly Scored[]): Calibration {
  const cuts = [...new Set([...known, ...unknown].map((s) => s.best?.distance ?? Infinity))]
    .filter(Number.isFinite).sort((a, b) => a - b);
  // Thresholds between consecutive distances (accepting is `distance < threshold`).
  const candidates = [0, ...cuts.map((d, i) => (d + (cuts[i + 1] ?? d * 1.01)) / 2)];
  const at = (threshold: number) => ({ threshold, ...openSetRates(known, unknown, threshold) });
  let best = at(0), far5 = at(0);
  for (const t of candidates) {
    const r = at(t);
    if (r.knownAccuracy - r.falseAcceptRate > best.knownAccuracy - best.falseAcceptRate) best = r;
    if (r.falseAcceptRate <= 0.05) far5 = r;
  }
  return { best, far5 };
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function parseSize(text: string): { width: number; height: number } {
  const m = /^(\d+)x(\d+)$/.exec(text);
  if (!m) throw new RangeError(`--size: expected WxH like 92x112, got ${JSON.stringify(text)}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      dataset: { type: "string" },
      algorithm: { type: "string", default: "all" },
      "train-per-person": { type: "string", default: "5" },
      size: { type: "string", default: "92x112" },
      detect: { type: "boolean", default: false },
      "unknown-people": { type: "string", default: "0" },
      threshold: { type: "string" },
      calibrate: { type: "boolean", default: false },
      rotate: { type: "boolean", default: false },
      "threshold-mode": { type: "string", default: "fixed" },
      "target-far": { type: "string", default: "0.05" },
      json: { type: "boolean", default: false },
    },
  });
  if (!values.dataset) throw new TypeError("--dataset: expected a folder-per-person directory");
  const algorithms = values.algorithm === "all" ? [...ALGORITHMS] : [values.algorithm as Algorithm];
  if (!algorithms.every((a) => ALGORITHMS.includes(a))) {
    throw new RangeError(
      `--algorithm: expected eigen, fisher, lbph or all, got ${values.algorithm}`,
    );
  }
  const mode = values["threshold-mode"];
  if (mode !== "fixed" && mode !== "gallery") {
    throw new RangeError(`--threshold-mode: expected fixed or gallery, got ${mode}`);
  }
  if (mode === "gallery" && (values.calibrate || values.threshold !== undefined)) {
    throw new RangeError("--threshold-mode gallery: expected no --threshold or --calibrate");
  }
  const targetFar = Number(values["target-far"]);
  const trainPerPerson = Number(values["train-per-person"]);
  const unknownPeople = Number(values["unknown-people"]);
  const corpus = await readCorpus({
    dir: values.dataset,
    ...parseSize(values.size),
    detect: values.detect,
  });
  const data = splitCorpus(corpus, trainPerPerson, unknownPeople);
  for (const algorithm of algorithms) {
    let threshold: ThresholdChoice = mode === "gallery"
      ? { targetFar }
      : values.threshold !== undefined
      ? Number(values.threshold)
      : DEFAULT_THRESHOLDS[algorithm];
    const line: Record<string, unknown> = {};
    if (values.calibrate) {
      if (unknownPeople < 1) throw new RangeError("--calibrate: expected --unknown-people N >= 1");
      const found = calibrateOnOtherPeople(corpus, trainPerPerson, unknownPeople, algorithm);
      line.calibration = found;
      threshold = found.threshold;
    }
    const { result } = evaluate(data, algorithm, threshold);
    if (values.rotate) {
      if (unknownPeople < 1 || values.calibrate) {
        throw new RangeError("--rotate: expected --unknown-people N >= 1 and no --calibrate");
      }
      line.rotations = rotateUnknown(corpus, trainPerPerson, unknownPeople, algorithm, threshold);
    }
    console.log(JSON.stringify({ ...result, ...line }));
    if (!values.json) {
      const open = result.known_accuracy === undefined
        ? ""
        : `  known ${result.known_accuracy}  FAR ${result.false_accept_rate} ` +
          `(${result.threshold_mode} threshold ${result.threshold})`;
      console.error(
        `${algorithm.padEnd(6)} accuracy ${result.accuracy}  train ${result.train_ms} ms  ` +
          `predict ${result.predict_ms_per_image} ms/img${open}`,
      );
    }
  }
}

/**
 * The calibration method of docs/RECOGNITION.md: every block of `unknownPeople` consecutive
 * people other than the reported (last) block is made unknown in turn; the nearest distances
 * of all those splits are pooled, and the threshold is the largest one whose pooled false
 * accept rate is at most 5%, rounded down to two significant digits.
 */
export function calibrateOnOtherPeople(
  corpus: Corpus,
  trainPerPerson: number,
  unknownPeople: number,
  algorithm: Algorithm,
): { threshold: number; splits: number; knownAccuracy: number; falseAcceptRate: number } {
  const known: Scored[] = [], unknown: Scored[] = [];
  let splits = 0;
  for (let from = 0; from + 2 * unknownPeople <= corpus.people.length; from += unknownPeople) {
    const scored = evaluate(splitCorpus(corpus, trainPerPerson, unknownPeople, from), algorithm);
    known.push(...scored.known);
    unknown.push(...scored.unknown);
    splits++;
  }
  const raw = calibrate(known, unknown).far5.threshold;
  const threshold = roundDown2(raw);
  return { threshold, splits, ...openSetRates(known, unknown, threshold) };
}

/** One split of {@link rotateUnknown}. */
export interface RotatedSplit {
  from: number;
  threshold: number;
  known_accuracy: number;
  false_accept_rate: number;
}

/**
 * Open-set figures for every block of `unknownPeople` consecutive people made unknown in
 * turn (the reported block included), with `choice` applied to each split's own gallery.
 */
export function rotateUnknown(
  corpus: Corpus,
  trainPerPerson: number,
  unknownPeople: number,
  algorithm: Algorithm,
  choice: ThresholdChoice,
): { splits: RotatedSplit[]; mean_known_accuracy: number; mean_false_accept_rate: number } {
  const splits: RotatedSplit[] = [];
  for (let from = 0; from + unknownPeople <= corpus.people.length; from += unknownPeople) {
    const { result } = evaluate(
      splitCorpus(corpus, trainPerPerson, unknownPeople, from),
      algorithm,
      choice,
    );
    splits.push({
      from,
      threshold: result.threshold!,
      known_accuracy: result.known_accuracy!,
      false_accept_rate: result.false_accept_rate!,
    });
  }
  const mean = (f: (s: RotatedSplit) => number) =>
    round(splits.reduce((a, s) => a + f(s), 0) / splits.length, 4);
  return {
    splits,
    mean_known_accuracy: mean((s) => s.known_accuracy),
    mean_false_accept_rate: mean((s) => s.false_accept_rate),
  };
}

function roundDown2(x: number): number {
  if (!(x > 0)) return 0;
  const unit = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Math.floor(x / unit) * unit;
}

if (import.meta.main) await main();
