/**
 * The large-gallery paths: a PCA basis fitted on a stratified sample (Eigenfaces and
 * Fisherfaces above `maxBasisSamples`), a capped number of axes, and stratified sampling.
 * ORL is small, so the sample threshold is lowered to make it sample.
 * @module
 */
import assert from "node:assert/strict";
import {
  adoptRecognizer,
  type Algorithm,
  createRecognizer,
  EigenfacesRecognizer,
  FisherfacesRecognizer,
  loadRecognizer,
  type Recognizer,
  shareRecognizer,
} from "../../lib/recognition/mod.ts";
import { stratifiedSample } from "../../lib/recognition/_sampling.ts";
import { datasetTest } from "../_datasets.ts";
import { loadOrlIfPresent } from "./_orl.ts";

const orl = await loadOrlIfPresent(5);

function accuracy(r: Recognizer): number {
  r.train(orl.train.map((s) => s.image), orl.train.map((s) => s.label));
  const right = orl.test.filter((s) => r.predict(s.image, 1)[0]?.label === s.label).length;
  return right / orl.test.length;
}

datasetTest("EigenfacesRecognizer with a sampled basis stays accurate on ORL", () => {
  const r = new EigenfacesRecognizer({ maxBasisSamples: 100, sampledComponents: 50 });
  const acc = accuracy(r);
  assert.equal(r.components, 50, "sampledComponents caps the axes");
  assert.equal(r.sampleCount, 200, "every face is searched, not only the sample");
  assert.ok(acc >= 0.88, `accuracy: expected >= 0.88 (exact: 0.925), got ${acc}`);
  const back = EigenfacesRecognizer.load(r.save());
  for (const s of orl.test.slice(0, 20)) {
    assert.deepEqual(back.predict(s.image), r.predict(s.image));
  }
});

datasetTest("FisherfacesRecognizer with a sampled PCA stays accurate on ORL", () => {
  const r = new FisherfacesRecognizer({ maxBasisSamples: 100, sampledComponents: 60 });
  const acc = accuracy(r);
  assert.equal(r.components, 39, "the LDA still keeps C-1 discriminants");
  assert.ok(acc >= 0.85, `accuracy: expected >= 0.85 (exact: 0.88), got ${acc}`);
  const back = FisherfacesRecognizer.load(r.save());
  for (const s of orl.test.slice(0, 20)) {
    assert.deepEqual(back.predict(s.image), r.predict(s.image));
  }
});

datasetTest("FisherfacesRecognizer keeps at most as many discriminants as sampled axes", () => {
  const r = new FisherfacesRecognizer({ maxBasisSamples: 100, sampledComponents: 20 });
  const acc = accuracy(r);
  assert.equal(r.components, 20, "C-1 = 39 discriminants do not fit in 20 PCA axes");
  assert.ok(acc >= 0.8, `accuracy: expected >= 0.8, got ${acc}`);
});

datasetTest("subspace recognizers train exactly (no sampling) up to maxBasisSamples faces", () => {
  const images = orl.train.slice(0, 100).map((s) => s.image);
  const labels = orl.train.slice(0, 100).map((s) => s.label);
  const exact = new EigenfacesRecognizer();
  const bounded = new EigenfacesRecognizer({ maxBasisSamples: 100, sampledComponents: 10 });
  exact.train(images, labels);
  bounded.train(images, labels);
  assert.equal(bounded.components, exact.components, "100 faces do not exceed 100");
  assert.deepEqual(bounded.eigenvalues, exact.eigenvalues);
});

Deno.test("stratifiedSample() takes every person in proportion, spread over their faces", () => {
  const labels = [...Array(30).fill(1), ...Array(10).fill(2), ...Array(20).fill(3)];
  const picks = stratifiedSample(labels, 12);
  assert.equal(picks.length, 12);
  assert.equal(new Set(picks).size, 12, "no face twice");
  const per = (label: number) => picks.filter((i) => labels[i] === label).length;
  assert.deepEqual([per(1), per(2), per(3)], [6, 2, 4]);
  assert.deepEqual(picks, [...picks].sort((a, b) => a - b), "ascending");
  assert.deepEqual(stratifiedSample([5, 4], 9), [0, 1], "all of them when asking for more");
});

/** Shares a model trained on ORL, adopts it as another worker would, and compares. */
function sharesLikeTheOriginal(algorithm: Algorithm): () => void {
  return () => {
    const r = createRecognizer(algorithm);
    r.train(orl.train.map((s) => s.image), orl.train.map((s) => s.label));
    const before = orl.test.slice(0, 10).map((s) => r.predict(s.image));
    const model = shareRecognizer(r);
    const copy = adoptRecognizer(structuredClone(model)); // as posted to another worker
    assert.deepEqual(orl.test.slice(0, 10).map((s) => copy.predict(s.image)), before);
    assert.deepEqual(orl.test.slice(0, 10).map((s) => r.predict(s.image)), before);
    const bytes = r.save();
    assert.equal(bytes.buffer.byteLength, bytes.length, "save() wrote one exact buffer");
  };
}

// One call per test: tests/datasets_test.ts counts the calls.
datasetTest(
  "eigen: shareRecognizer() and adoptRecognizer() predict as the original",
  sharesLikeTheOriginal("eigen"),
);
datasetTest(
  "fisher: shareRecognizer() and adoptRecognizer() predict as the original",
  sharesLikeTheOriginal("fisher"),
);
datasetTest(
  "lbph: shareRecognizer() and adoptRecognizer() predict as the original",
  sharesLikeTheOriginal("lbph"),
);

datasetTest("loadRecognizer({ inSharedMemory }) shares an LBPH model without copying", () => {
  const r = createRecognizer("lbph");
  r.train(orl.train.map((s) => s.image), orl.train.map((s) => s.label));
  const loaded = loadRecognizer(r.save(), { inSharedMemory: true });
  const model = shareRecognizer(loaded);
  assert.ok(model.algorithm === "lbph");
  assert.ok(model.histograms.bins.buffer instanceof SharedArrayBuffer);
  const copy = adoptRecognizer(structuredClone(model));
  for (const s of orl.test.slice(0, 10)) {
    assert.deepEqual(copy.predict(s.image), r.predict(s.image));
  }
});

datasetTest(
  "lbph: a shared or adopted model takes update() and predicts as one trained on all",
  () => {
    const images = orl.train.map((s) => s.image), labels = orl.train.map((s) => s.label);
    const whole = createRecognizer("lbph");
    whole.train(images, labels);
    const cut = images.length - 7; // the last 7 faces arrive after the model was shared
    const first = createRecognizer("lbph");
    first.train(images.slice(0, cut), labels.slice(0, cut));
    const model = shareRecognizer(first);
    const adopted = adoptRecognizer(structuredClone(model));
    for (const r of [first, adopted]) {
      r.update(images.slice(cut), labels.slice(cut));
      assert.equal(r.sampleCount, images.length);
      for (const s of orl.test.slice(0, 10)) {
        assert.deepEqual(
          r.predict(s.image),
          whole.predict(s.image),
        );
      }
      assert.deepEqual(r.save(), whole.save(), "saved as the model trained on all at once");
    }
    // The shared arrays are untouched: a third worker adopting them sees the first faces only.
    assert.equal(adoptRecognizer(structuredClone(model)).sampleCount, cut);
    // Sharing again folds the added faces in.
    const again = adoptRecognizer(structuredClone(shareRecognizer(adopted)));
    assert.equal(again.sampleCount, images.length);
    assert.deepEqual(again.predict(orl.test[0]!.image), whole.predict(orl.test[0]!.image));
  },
);
