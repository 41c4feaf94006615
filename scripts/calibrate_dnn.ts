/**
 * How the dnn unknown-face thresholds were chosen (docs/RECOGNITION.md): every dataset is
 * read through the product's own pipeline (YuNet, the largest face, the aligned chip, the
 * descriptor), galleries of 2 to 5 photos per person are trained, and every block of
 * `--unknown` people is held out in turn as strangers. The nearest distances of all those
 * splits are pooled per domain (colour photos, greyscale photos), and each threshold from
 * 0.30 to 0.70 is scored: known accuracy (the right name, under the threshold) and false
 * accept rate (a stranger named).
 *
 *   deno run -A scripts/calibrate_dnn.ts [--datasets DIR] [--json]
 * @module
 */
import { parseArgs } from "node:util";
import {
  type Corpus,
  evaluate,
  readCorpus,
  round,
  type Scored,
  splitCorpus,
} from "../lib/evaluation/mod.ts";
import { DEFAULT_THRESHOLDS, type Embedder } from "../lib/recognition/mod.ts";
import {
  DESCRIPTOR_LENGTH,
  DESCRIPTOR_MODEL,
  FaceDescriptor,
} from "../lib/recognition/face_descriptor.ts";

const { values } = parseArgs({
  args: Deno.args,
  options: {
    datasets: {
      type: "string",
      default: new URL("../../shared/datasets", import.meta.url).pathname,
    },
    json: { type: "boolean", default: false },
  },
});

/** The datasets, their domain, and how many people each split holds out. */
const SETS = [
  { name: "lfw10", dir: "lfw10", domain: "colour", unknown: 3 },
  { name: "orl", dir: "orl", domain: "grey", unknown: 10 },
  { name: "bbt", dir: "bbt/people", domain: "grey", unknown: 2 },
] as const;

using net = await FaceDescriptor.create();
const embedder: Embedder = {
  model: DESCRIPTOR_MODEL,
  dimension: DESCRIPTOR_LENGTH,
  embed: (images) => images.map((i) => net.compute(i)),
};

interface Pool {
  known: Scored[];
  unknown: Scored[];
}
const pools = new Map<string, Pool>();
const perSet: Record<string, Pool> = {};
for (const set of SETS) {
  const corpus: Corpus = await readCorpus({
    dir: `${values.datasets}/${set.dir}`,
    width: 92,
    height: 112,
    detect: "yunet",
    faces: "chip",
  });
  const pool = perSet[set.name] = { known: [], unknown: [] } as Pool;
  const perPerson = Math.min(
    ...corpus.people.map((_, p) => corpus.images.filter((i) => i.person === p).length),
  );
  for (let train = 2; train <= Math.min(5, perPerson - 1); train++) {
    for (let from = 0; from + set.unknown <= corpus.people.length; from += set.unknown) {
      const { known, unknown } = evaluate(
        splitCorpus(corpus, train, set.unknown, from),
        "dnn",
        DEFAULT_THRESHOLDS.dnn,
        embedder,
      );
      pool.known.push(...known);
      pool.unknown.push(...unknown);
    }
  }
  const domain = pools.get(set.domain) ?? { known: [], unknown: [] };
  domain.known.push(...pool.known);
  domain.unknown.push(...pool.unknown);
  pools.set(set.domain, domain);
}

function rates(pool: Pool, t: number) {
  const right = pool.known.filter((s) => s.best?.label === s.label && s.best.distance < t).length;
  const nearestRight = pool.known.filter((s) => s.best?.label === s.label).length;
  const fa = pool.unknown.filter((s) => s.best !== undefined && s.best.distance < t).length;
  return {
    known_accuracy: round(right / pool.known.length, 4),
    rejected_right: round(1 - right / Math.max(1, nearestRight), 4),
    far: round(fa / Math.max(1, pool.unknown.length), 4),
  };
}

const table: Record<string, unknown>[] = [];
for (let t = 0.3; t <= 0.7001; t += 0.01) {
  const row: Record<string, unknown> = { threshold: round(t, 2) };
  for (const [name, pool] of [...pools.entries(), ...Object.entries(perSet)]) {
    row[name] = rates(pool, t);
  }
  table.push(row);
}
const counts = Object.fromEntries(
  [...pools.entries(), ...Object.entries(perSet)].map((
    [k, p],
  ) => [k, { known: p.known.length, unknown: p.unknown.length }]),
);
if (values.json) console.log(JSON.stringify({ counts, table }));
else {
  console.log(JSON.stringify(counts));
  for (const row of table) console.log(JSON.stringify(row));
}
