/**
 * Recognition accuracy on a folder-per-person dataset, with the same split and JSON keys as
 * ../shared/tools/native_baseline.py (native OpenCV), so the two can be compared line by line.
 *
 *   deno task eval --dataset DIR [--algorithm eigen|fisher|lbph|all] [--train-per-person K]
 *                  [--size WxH] [--detect] [--unknown-people N] [--threshold T]
 *                  [--calibrate] [--threshold-mode fixed|gallery] [--target-far F]
 *                  [--rotate] [--json]
 *
 * The command line of lib/evaluation/, which holds the logic. Split: people and file names
 * sorted plainly (by code unit), the first K files of each person train, the rest test.
 * Every file counts, whatever its extension, as in the native tool; one no reader can decode
 * is skipped with a warning (and counted as `unreadable`). Eigen and Fisher train exactly, as
 * OpenCV does, however many faces there are (the service fits its basis on a sample above
 * 500). `--detect` runs the Haar cascade first and keeps the largest face; images without
 * one count as `no_face`. Every image is resized to `--size` (92x112). `--unknown-people N`
 * never trains the last N people: all their images are probes, and the output adds
 * `known_accuracy` (right name, under the threshold) and `false_accept_rate` (unknown probes
 * given a name). The threshold is the algorithm's default unless `--threshold` is given, or
 * `--calibrate` derives one from the other people (`calibrateOnOtherPeople`).
 * `--threshold-mode gallery` instead calibrates the threshold on the training gallery alone,
 * right after training (`selfCalibrate`, for a false accept rate of `--target-far`, default
 * 0.05), as the service does. `--rotate` also makes every other block of N consecutive
 * people unknown in turn and adds each split's figures and their mean (`rotations`): one
 * split of 10 unknown people is a noisy estimate. One JSON line per algorithm on stdout;
 * without `--json` a readable summary goes to stderr as well.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type Algorithm, ALGORITHMS, DEFAULT_THRESHOLDS } from "../lib/recognition/mod.ts";
import {
  calibrateOnOtherPeople,
  evaluate,
  readCorpus,
  rotateUnknown,
  splitCorpus,
  type ThresholdChoice,
} from "../lib/evaluation/mod.ts";

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

if (import.meta.main) await main();
