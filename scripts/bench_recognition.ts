/**
 * Recognizer speed against native OpenCV in the same run: training and predict time on ORL
 * (5 train / 5 test per person, 92x112), model size and load time for all 400 faces, and
 * ours/native ratios when /usr/bin/python3 has cv2 (../shared/tools/native_baseline.py).
 *
 *   deno run -A scripts/bench_recognition.ts [--dataset DIR]
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  type Algorithm,
  CLASSIC_ALGORITHMS as ALGORITHMS,
  createRecognizer,
  loadRecognizer,
} from "../lib/recognition/mod.ts";
import { readCorpus, round, splitCorpus } from "../lib/evaluation/mod.ts";

const HERE = new URL(".", import.meta.url).pathname;
const DEFAULT_DATASET = `${HERE}../../shared/datasets/orl`;
const NATIVE_TOOL = `${HERE}../../shared/tools/native_baseline.py`;

interface Figures {
  train_ms: number;
  predict_ms_per_image: number;
}

/** Best of `runs` wall-clock timings of `fn`, in ms. */
function best(runs: number, fn: () => void): number {
  let min = Infinity;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    min = Math.min(min, performance.now() - t);
  }
  return min;
}

async function native(dataset: string): Promise<Partial<Record<Algorithm, Figures>>> {
  try {
    const out = await new Deno.Command("/usr/bin/python3", {
      args: [NATIVE_TOOL, dataset, "--train", "5"],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (!out.success) return {};
    const lines = new TextDecoder().decode(out.stdout).trim().split("\n");
    return Object.fromEntries(
      lines.map((l) => JSON.parse(l) as Figures & { algorithm: Algorithm }).map((
        f,
      ) => [f.algorithm, f]),
    );
  } catch {
    return {}; // no python3 or no cv2: report our figures only
  }
}

/** Runs the benchmark and returns its figures (also what the standalone run prints). */
export async function benchRecognition(dataset = DEFAULT_DATASET): Promise<object> {
  const corpus = await readCorpus({ dir: dataset, width: 92, height: 112, detect: false });
  const split = splitCorpus(corpus, 5);
  const everyone = splitCorpus(corpus, Infinity);
  const reference = await native(dataset);
  const results: Record<string, unknown> = {};
  for (const algorithm of ALGORITHMS) {
    const r = createRecognizer(algorithm);
    const images = split.train.map((p) => p.image), labels = split.train.map((p) => p.label);
    const trainMs = best(3, () => r.train(images, labels));
    for (const p of split.test) r.predict(p.image); // warm-up
    const predictMs = best(3, () => {
      for (const p of split.test) r.predict(p.image);
    }) / split.test.length;

    const all = createRecognizer(algorithm);
    all.train(everyone.train.map((p) => p.image), everyone.train.map((p) => p.label));
    const bytes = all.save();
    const loadMs = best(3, () => loadRecognizer(bytes));

    const ours = {
      train_ms: round(trainMs, 1),
      predict_ms_per_image: round(predictMs, 3),
      model_bytes_400_faces: bytes.length,
      load_ms_400_faces: round(loadMs, 1),
    };
    const theirs = reference[algorithm];
    results[algorithm] = theirs
      ? {
        ...ours,
        native_train_ms: theirs.train_ms,
        native_predict_ms_per_image: theirs.predict_ms_per_image,
        train_ratio: round(trainMs / theirs.train_ms, 2),
        predict_ratio: round(predictMs / theirs.predict_ms_per_image, 2),
      }
      : ours;
  }
  return {
    dataset: "orl",
    train_images: split.train.length,
    test_images: split.test.length,
    results,
  };
}

if (import.meta.main) {
  const { values } = parseArgs({ args: Deno.args, options: { dataset: { type: "string" } } });
  console.log(JSON.stringify(await benchRecognition(values.dataset), null, 2));
}
