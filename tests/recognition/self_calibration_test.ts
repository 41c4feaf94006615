import assert from "node:assert/strict";
import {
  type ClassicAlgorithm as Algorithm,
  createRecognizer,
  type FaceImage,
  LbphRecognizer,
} from "../../lib/recognition/mod.ts";
import {
  impostorDistances,
  selfCalibrate,
  selfCalibratedThreshold,
  thresholdAtFar,
} from "../../lib/recognition/self_calibration.ts";
import { datasetTest } from "../_datasets.ts";
import { loadOrlIfPresent, type OrlSample } from "./_orl.ts";

const orl = await loadOrlIfPresent(5);
const all: OrlSample[] = [...orl.train, ...orl.test];

/** Gallery: the first 5 images of people outside [from, from+10); unknown: all 10 of those. */
function split(from: number): { images: FaceImage[]; labels: number[]; unknown: FaceImage[] } {
  const isUnknown = (s: OrlSample) => s.label >= from && s.label < from + 10;
  const gallery = orl.train.filter((s) => !isUnknown(s));
  return {
    images: gallery.map((s) => s.image),
    labels: gallery.map((s) => s.label),
    unknown: all.filter(isUnknown).map((s) => s.image),
  };
}

/** Calibrates `algorithm` on each gallery and counts unknown ORL people it accepts. */
function farNearTarget(algorithm: Algorithm): () => void {
  return () => {
    // Every block of 10 people is unknown in turn (400 unknown probes in all): one block alone
    // is noisy (LBPH's FAR ranges 0.03-0.19 over the four).
    let falseAccepts = 0, probes = 0;
    for (const from of [0, 10, 20, 30]) {
      const { images, labels, unknown } = split(from);
      const model = createRecognizer(algorithm);
      model.train(images, labels);
      const threshold = selfCalibratedThreshold(model, images, labels, { targetFar: 0.05 });
      assert.ok(Number.isFinite(threshold) && threshold > 0, `${from}: ${threshold}`);
      for (const face of unknown) {
        if (model.predict(face, 1)[0]!.distance < threshold) falseAccepts++;
        probes++;
      }
    }
    const far = falseAccepts / probes;
    assert.ok(far <= 0.1, `${algorithm}: FAR ${far} over ${probes} unknown probes`);
  };
}

// One call per test: tests/datasets_test.ts counts the calls.
datasetTest(
  "selfCalibrate() keeps eigen's FAR on unseen ORL people near 5%",
  farNearTarget("eigen"),
);
datasetTest(
  "selfCalibrate() keeps fisher's FAR on unseen ORL people near 5%",
  farNearTarget("fisher"),
);
datasetTest("selfCalibrate() keeps lbph's FAR on unseen ORL people near 5%", farNearTarget("lbph"));

datasetTest("selfCalibrate() is deterministic and reports its parts", () => {
  const { images, labels } = split(30);
  const model = createRecognizer("fisher");
  model.train(images, labels);
  const a = selfCalibrate(model, images, labels);
  const b = selfCalibrate(model, images, labels);
  assert.deepEqual(a, b);
  assert.equal(a.threshold, a.impostorQuantile * a.heldOutFactor);
  assert.ok(a.heldOutFactor > 0 && a.heldOutFactor < 1, `factor ${a.heldOutFactor}`);
  assert.equal(a.probes, images.length);
  assert.equal(selfCalibratedThreshold(model, images, labels), a.threshold);
});

datasetTest("selfCalibrate() skips the held-out factor for LBPH unless asked", () => {
  const { images, labels } = split(30);
  const model = new LbphRecognizer();
  model.train(images, labels);
  const plain = selfCalibrate(model, images, labels);
  assert.equal(plain.heldOutFactor, 1);
  const heldOut = selfCalibrate(model, images, labels, { heldOut: true });
  assert.ok(Math.abs(heldOut.heldOutFactor - 1) < 0.05, `factor ${heldOut.heldOutFactor}`);
});

datasetTest("selfCalibrate() rejects galleries too small to calibrate", () => {
  const one = orl.train.filter((s) => s.label === 0);
  const lbph = new LbphRecognizer();
  lbph.train(one.map((s) => s.image), one.map((s) => s.label));
  assert.throws(
    () => selfCalibrate(lbph, one.map((s) => s.image), one.map((s) => s.label)),
    { name: "RangeError", message: /at least 2 people .*got 1/ },
  );
  // Three people: enough for LBPH's plain quantile at 10%, not for the subspace factor.
  const three = all.filter((s) => s.label < 3);
  const images = three.map((s) => s.image), labels = three.map((s) => s.label);
  lbph.train(images, labels);
  assert.ok(selfCalibratedThreshold(lbph, images, labels) > 0);
  const eigen = createRecognizer("eigen");
  eigen.train(images, labels);
  assert.throws(() => selfCalibrate(eigen, images, labels), {
    name: "RangeError",
    message: /at least 4 people for eigen, got 3/,
  });
  // 15 faces cannot resolve a 5% quantile.
  const few = orl.train.filter((s) => s.label < 3);
  lbph.train(few.map((s) => s.image), few.map((s) => s.label));
  assert.throws(
    () => selfCalibrate(lbph, few.map((s) => s.image), few.map((s) => s.label)),
    { name: "RangeError", message: /at least 20 faces for targetFar 0.05, got 15/ },
  );
  assert.throws(() => selfCalibrate(lbph, images, labels, { targetFar: 0 }), RangeError);
  assert.throws(() => selfCalibrate(lbph, images, labels, { maxProbes: 0.5 }), RangeError);
  assert.throws(() => selfCalibrate(lbph, images, labels.slice(1)), TypeError);
});

datasetTest("impostorDistances() measures to other people only, sorted, at most maxProbes", () => {
  const { images, labels } = split(30);
  const model = new LbphRecognizer();
  model.train(images, labels);
  const d = impostorDistances(model, images, labels, 40);
  assert.equal(d.length, 40);
  assert.ok(d.every((x, i) => i === 0 || d[i - 1]! <= x));
  // A training sample is at distance 0 from itself: an impostor distance never is.
  assert.ok(d[0]! > 0);
});

Deno.test("thresholdAtFar() accepts at most that share of impostors", () => {
  const d = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  const t = thresholdAtFar(d, 0.05);
  assert.equal(t, 6);
  assert.equal(d.filter((x) => x < t).length, 5);
  assert.equal(thresholdAtFar(Float64Array.of(3), 0.05), 3);
  assert.throws(() => thresholdAtFar(new Float64Array(0), 0.05), RangeError);
});
