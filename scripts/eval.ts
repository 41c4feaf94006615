/**
 * Recognition accuracy on a folder-per-person dataset, with the same split and JSON keys as
 * ../shared/tools/native_baseline.py (native OpenCV), so the two can be compared line by line.
 *
 *   deno task eval --dataset DIR [--algorithm dnn|eigen|fisher|lbph|all] [--train-per-person K]
 *                  [--size WxH] [--detect [haar|yunet]] [--align] [--unknown-people N]
 *                  [--threshold T]
 *                  [--calibrate] [--threshold-mode fixed|gallery] [--target-far F]
 *                  [--rotate] [--json]
 *
 * `--algorithm` defaults to `dnn`; `all` runs the four. The command line of lib/evaluation/,
 * which holds the logic. Split: people and file names
 * sorted plainly (by code unit), the first K files of each person train, the rest test.
 * Every file counts, whatever its extension, as in the native tool; one no reader can decode
 * is skipped with a warning (and counted as `unreadable`). Eigen and Fisher train exactly, as
 * OpenCV does, however many faces there are (the service fits its basis on a sample above
 * 500). `--detect` runs the Haar cascade first (as the native tool's `--detect` does) and
 * keeps the largest face; images without one count as `no_face`; `--detect yunet` runs YuNet
 * instead, and `--align` then warps each grey face onto its landmarks rather than cutting the
 * box. Every image is resized to `--size` (92x112). `dnn` always runs its own pipeline, as
 * the services do: YuNet, the largest face, a 150x150 colour chip aligned on its landmarks,
 * and the descriptor network; `--detect`, `--align` and `--size` do not apply to it. `--unknown-people N`
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
import { fileError } from "../lib/client/errors.ts";
import { type Algorithm, ALGORITHMS, type Embedder } from "../lib/recognition/mod.ts";
import {
  DESCRIPTOR_LENGTH,
  DESCRIPTOR_MODEL,
  FaceDescriptor,
} from "../lib/recognition/face_descriptor.ts";
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

/** A bare `--detect` (no value after it) means Haar, as in the native tool. */
function withDetectValue(args: readonly string[]): string[] {
  return args.flatMap((arg, i) => {
    if (arg !== "--detect") return [arg];
    const next = args[i + 1];
    return next === "haar" || next === "yunet" ? [arg] : ["--detect=haar"];
  });
}

/** The descriptor network as an evaluation embedder. */
async function networkEmbedder(): Promise<Embedder & Disposable> {
  const net = await FaceDescriptor.create();
  return {
    model: DESCRIPTOR_MODEL,
    dimension: DESCRIPTOR_LENGTH,
    embed: (images) => net.computeBatch(images),
    [Symbol.dispose]: () => net[Symbol.dispose](),
  };
}

/** The `--dataset` argument as given, for error messages. */
function dataset(): string {
  const i = Deno.args.findIndex((a) => a === "--dataset" || a.startsWith("--dataset="));
  const arg = Deno.args[i] ?? "";
  return arg.includes("=") ? arg.slice(arg.indexOf("=") + 1) : Deno.args[i + 1] ?? "";
}

const USAGE = `usage: deno task eval --dataset DIR [--algorithm dnn|eigen|fisher|lbph|all]
       [--train-per-person K] [--size WxH] [--detect [haar|yunet]] [--align]
       [--unknown-people N] [--threshold T] [--calibrate] [--threshold-mode fixed|gallery]
       [--target-far F] [--rotate] [--json]
One JSON line per algorithm on stdout: accuracy on the first K files of each person as
training, the rest as probes (the split of ../shared/tools/native_baseline.py).`;

async function main(): Promise<void> {
  if (Deno.args.includes("--help") || Deno.args.includes("-h")) {
    console.log(USAGE);
    return;
  }
  const { values } = parseArgs({
    args: withDetectValue(Deno.args),
    options: {
      dataset: { type: "string" },
      algorithm: { type: "string", default: "dnn" },
      "train-per-person": { type: "string", default: "5" },
      size: { type: "string", default: "92x112" },
      detect: { type: "string" },
      align: { type: "boolean", default: false },
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
      `--algorithm: expected ${ALGORITHMS.join(", ")} or all, got ${values.algorithm}`,
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
  const detect = values.detect;
  if (detect !== undefined && detect !== "haar" && detect !== "yunet") {
    throw new RangeError(`--detect: expected haar or yunet, got ${detect}`);
  }
  if (values.align && detect !== "yunet") {
    throw new RangeError("--align: expected --detect yunet (only YuNet gives landmarks)");
  }
  const read = (dnn: boolean) =>
    readCorpus({
      dir: values.dataset!,
      ...parseSize(values.size),
      detect: detect ?? false,
      align: values.align,
      faces: dnn ? "chip" : "gray",
    });
  const classic = algorithms.some((a) => a !== "dnn") ? await read(false) : undefined;
  const chips = algorithms.includes("dnn") ? await read(true) : undefined;
  using embedder = chips ? await networkEmbedder() : undefined;
  for (const algorithm of algorithms) {
    const corpus = algorithm === "dnn" ? chips! : classic!;
    const data = splitCorpus(corpus, trainPerPerson, unknownPeople);
    // Undefined: the service's default (for dnn, by whether the photos are in colour).
    let threshold: ThresholdChoice | undefined = mode === "gallery"
      ? { targetFar }
      : values.threshold !== undefined
      ? Number(values.threshold)
      : undefined;
    const line: Record<string, unknown> = {};
    if (values.calibrate) {
      if (unknownPeople < 1) throw new RangeError("--calibrate: expected --unknown-people N >= 1");
      const found = calibrateOnOtherPeople(
        corpus,
        trainPerPerson,
        unknownPeople,
        algorithm,
        embedder,
      );
      line.calibration = found;
      threshold = found.threshold;
    }
    const { result } = evaluate(data, algorithm, threshold, embedder);
    if (values.rotate) {
      if (unknownPeople < 1 || values.calibrate) {
        throw new RangeError("--rotate: expected --unknown-people N >= 1 and no --calibrate");
      }
      line.rotations = rotateUnknown(
        corpus,
        trainPerPerson,
        unknownPeople,
        algorithm,
        threshold,
        embedder,
      );
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

if (import.meta.main) {
  try {
    await main();
  } catch (error) {
    // A bad flag or dataset is one line and a hint, not a stack trace.
    const message = error instanceof Deno.errors.NotFound
      ? fileError(dataset(), error)
      : error instanceof TypeError || error instanceof RangeError
      ? error.message
      : undefined;
    if (message === undefined) throw error;
    console.error(`eval: ${message}\nrun \`deno task eval --help\` for the flags`);
    Deno.exit(2);
  }
}
