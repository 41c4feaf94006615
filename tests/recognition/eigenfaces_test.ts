import assert from "node:assert/strict";
import { EigenfacesRecognizer, ModelFileError } from "../../lib/recognition/mod.ts";
import { FisherfacesRecognizer } from "../../lib/recognition/mod.ts";
import { recognizerSuite } from "./recognizer_suite.ts";
import { syntheticSet } from "./_synthetic.ts";

recognizerSuite("EigenfacesRecognizer", () => new EigenfacesRecognizer());

Deno.test("EigenfacesRecognizer keeps N-1 components (the null axis of centring is dropped)", () => {
  const r = new EigenfacesRecognizer();
  const { images, labels } = syntheticSet(3, 3);
  r.train(images, labels);
  assert.equal(r.components, 8);
  const values = r.eigenvalues;
  for (let i = 1; i < values.length; i++) assert.ok(values[i - 1]! >= values[i]!);
});

Deno.test("EigenfacesRecognizer honours numComponents and maxBasisSamples", () => {
  const { images, labels } = syntheticSet(3, 3);
  const few = new EigenfacesRecognizer({ numComponents: 3 });
  few.train(images, labels);
  assert.equal(few.components, 3);
  const sampled = new EigenfacesRecognizer({ maxBasisSamples: 4 });
  sampled.train(images, labels);
  assert.equal(sampled.components, 3, "4 basis samples span at most 3 axes");
  assert.equal(sampled.sampleCount, 9, "every sample is still searched");
  const back = EigenfacesRecognizer.load(sampled.save());
  assert.deepEqual(back.options, { numComponents: 0, maxBasisSamples: 4, sampledComponents: 200 });
  assert.throws(() => new EigenfacesRecognizer({ numComponents: -1 }), RangeError);
});

Deno.test("EigenfacesRecognizer.load() refuses a Fisherfaces model", () => {
  const { images, labels } = syntheticSet(3, 3);
  const fisher = new FisherfacesRecognizer();
  fisher.train(images, labels);
  assert.throws(() => EigenfacesRecognizer.load(fisher.save()), {
    name: ModelFileError.name,
    message: "model file algorithm: expected eigen, got fisher",
  });
});
