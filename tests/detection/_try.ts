import { HaarDetector } from "../../lib/detection/mod.ts";
import { decodeGray } from "../../lib/imaging/mod.ts";
import { readImglabXml, matchDetections } from "../../lib/detection/mod.ts";
using d = await HaarDetector.create();
const dir = "/work/shared/datasets/detection/annotated/";
let tp = 0, fp = 0, fn = 0, ms = 0, n = 0;
for (const x of ["training.xml", "testing.xml"]) for (const a of await readImglabXml(dir + x)) {
  const g = decodeGray(Deno.readFileSync(dir + a.file));
  const t = performance.now();
  const boxes = d.detect(g);
  ms += performance.now() - t; n++;
  const r = matchDetections(a.boxes, boxes, 0.3);
  tp += r.truePositives; fp += r.falsePositives; fn += r.falseNegatives;
  console.log(a.file, a.boxes.length, boxes.length, r.truePositives, r.pairs.map(p => p[2].toFixed(2)).join(","));
}
console.log({ tp, fp, fn, recall: tp / (tp + fn), precision: tp / (tp + fp), ms: ms / n });
