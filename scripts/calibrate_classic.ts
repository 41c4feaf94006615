/**
 * How the default unknown-face thresholds of the classic algorithms were chosen and checked
 * (docs/RECOGNITION.md, "Classic algorithms on YuNet faces"). Each dataset is read as the
 * service sees it: YuNet, the largest face, its box cut from the grey image and resized to
 * 92x112. Galleries of 2 to 6 photos per person are trained, and every block of 3 people is
 * held out in turn as strangers. For every train count the script pools the nearest
 * distances of all blocks and reports, at each candidate threshold:
 *
 * - `rejected_right`: the share of known probes whose nearest person is right that the
 *   threshold turns away ("unknown" for someone the model did find);
 * - `known_accuracy`: known probes given the right name under the threshold;
 * - `far`: strangers given any name.
 *
 * Eigen and Fisher are also scored with the service's own rule (`service`): Fisher's
 * threshold calibrated on each training gallery (`selfCalibratedThreshold`) where it can be,
 * otherwise the value `galleryThreshold` gives for the gallery's size. `oracle` is the
 * largest threshold that keeps pooled FAR at 5%, for comparison.
 *
 *   deno run -A scripts/calibrate_classic.ts [--datasets DIR] [--algorithm eigen|fisher|lbph]...
 *                                           [--unknown 3] [--people N]
 *
 * `--people N` scores small galleries instead: the people are cut into disjoint groups of N
 * known people and the strangers, and each group is one split.
 *
 * One JSON line per (dataset, algorithm, train count, threshold rule).
 * @module
 */
import { parseArgs } from "node:util";
import { CLASSIC_ALGORITHMS, type ClassicAlgorithm, isAlgorithm } from "../lib/core/algorithms.ts";
import {
  type Corpus,
  type Dataset,
  evaluate,
  readCorpus,
  round,
  type Scored,
  splitCorpus,
} from "../lib/evaluation/mod.ts";
import {
  DEFAULT_THRESHOLDS,
  fisherCalibrates,
  fisherThreshold,
  type GallerySize,
  galleryThreshold,
} from "../lib/recognition/mod.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    datasets: {
      type: "string",
      default: new URL("../../shared/datasets", import.meta.url).pathname,
    },
    algorithm: { type: "string", multiple: true },
    unknown: { type: "string", default: "3" },
    people: { type: "string" },
  },
});

const algorithms = (values.algorithm ?? [...CLASSIC_ALGORITHMS]).map((a) => {
  if (!isAlgorithm(a) || !(CLASSIC_ALGORITHMS as readonly string[]).includes(a)) {
    throw new TypeError(`--algorithm: expected one of ${CLASSIC_ALGORITHMS.join(", ")}, got ${a}`);
  }
  return a as ClassicAlgorithm;
});
const strangers = Number(values.unknown);
/** With `--people N`: small galleries, N known people and the strangers, in disjoint groups. */
const knownPeople = values.people === undefined ? undefined : Number(values.people);

/** The corpus restricted to `count` people from `first`, renumbered from 0. */
function group(corpus: Corpus, first: number, count: number): Corpus {
  return {
    ...corpus,
    people: corpus.people.slice(first, first + count),
    images: corpus.images.filter((i) => i.person >= first && i.person < first + count)
      .map((i) => ({ ...i, person: i.person - first })),
  };
}

/** Every split of one train count: blocks of strangers in turn, or small disjoint galleries. */
function splitsOf(corpus: Corpus, train: number): Dataset[] {
  const out: Dataset[] = [];
  if (knownPeople === undefined) {
    for (let from = 0; from + strangers <= corpus.people.length; from += strangers) {
      out.push(splitCorpus(corpus, train, strangers, from));
    }
    return out;
  }
  const size = knownPeople + strangers;
  for (let first = 0; first + size <= corpus.people.length; first += size) {
    out.push(splitCorpus(group(corpus, first, size), train, strangers));
  }
  return out;
}

/** One split's scored probes and the threshold the service would use on it. */
interface SplitScores {
  known: Scored[];
  unknown: Scored[];
  /** Fisher's gallery-calibrated threshold, or null when the gallery is too small. */
  calibrated: number | null;
  /** The training gallery's size. */
  size: GallerySize;
}

function rates(splits: readonly SplitScores[], threshold: (s: SplitScores) => number) {
  let right = 0, nearestRight = 0, known = 0, accepted = 0, unknown = 0, worstFar = 0;
  for (const s of splits) {
    const t = threshold(s);
    known += s.known.length;
    for (const p of s.known) {
      if (p.best?.label !== p.label) continue;
      nearestRight++;
      if (p.best.distance < t) right++;
    }
    const fa = s.unknown.filter((p) => p.best !== undefined && p.best.distance < t).length;
    accepted += fa;
    unknown += s.unknown.length;
    worstFar = Math.max(worstFar, fa / Math.max(1, s.unknown.length));
  }
  return {
    nearest_right: round(nearestRight / Math.max(1, known), 4),
    rejected_right: round(1 - right / Math.max(1, nearestRight), 4),
    known_accuracy: round(right / Math.max(1, known), 4),
    far: round(accepted / Math.max(1, unknown), 4),
    worst_block_far: round(worstFar, 4),
  };
}

/** The largest threshold (a distance seen, just above it) with pooled FAR <= target. */
function largestAtFar(splits: readonly SplitScores[], target: number): number {
  const distances = splits.flatMap((s) => s.unknown.map((p) => p.best?.distance ?? Infinity))
    .sort((a, b) => a - b);
  const allowed = Math.floor(target * distances.length);
  return distances[allowed] ?? Infinity;
}

for (const set of ["orl", "lfw10"] as const) {
  const corpus: Corpus = await readCorpus({
    dir: `${values.datasets}/${set}`,
    width: 92,
    height: 112,
    detect: "yunet",
  });
  const perPerson = Math.min(
    ...corpus.people.map((_, p) => corpus.images.filter((i) => i.person === p).length),
  );
  for (const algorithm of algorithms) {
    for (let train = 2; train <= Math.min(6, perPerson - 1); train++) {
      const splits = splitsOf(corpus, train).map((data) => score(data, algorithm));
      if (splits.length === 0) continue; // --people: too few people for one group
      const rules: [string, (s: SplitScores) => number][] = [
        [`fixed ${DEFAULT_THRESHOLDS[algorithm]}`, () => DEFAULT_THRESHOLDS[algorithm]],
      ];
      if (algorithm !== "lbph") {
        // What the service uses: Fisher calibrated on the gallery where it can be, Eigen and
        // small-gallery Fisher by the gallery's size.
        rules.push([
          "service",
          (s) =>
            algorithm === "fisher"
              ? fisherThreshold(s.size, s.calibrated)
              : galleryThreshold(algorithm, s.size),
        ]);
      }
      const oracle = largestAtFar(splits, 0.05);
      rules.push([`oracle ${round(oracle, 2)} (pooled FAR 5%)`, () => oracle]);
      for (const [rule, threshold] of rules) {
        console.log(JSON.stringify({
          dataset: set,
          algorithm,
          train,
          strangers,
          ...(knownPeople === undefined ? {} : { known_people: knownPeople }),
          splits: splits.length,
          rule,
          calibrated: algorithm === "fisher"
            ? splits.filter((s) => s.calibrated !== null).length
            : undefined,
          ...rates(splits, threshold),
        }));
      }
    }
  }
}

function score(data: Dataset, algorithm: ClassicAlgorithm): SplitScores {
  const labels = data.train.map((p) => p.label);
  const size = { faces: labels.length, people: new Set(labels).size };
  if (algorithm === "fisher" && fisherCalibrates(size.faces, size.people)) {
    const { known, unknown, result } = evaluate(data, algorithm, { targetFar: 0.05 });
    return { known, unknown, calibrated: result.threshold ?? null, size };
  }
  const { known, unknown } = evaluate(data, algorithm, Infinity);
  return { known, unknown, calibrated: null, size };
}
