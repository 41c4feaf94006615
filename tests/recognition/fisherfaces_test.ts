import assert from "node:assert/strict";
import { FisherfacesRecognizer } from "../../lib/recognition/mod.ts";
import { recognizerSuite } from "./recognizer_suite.ts";
import { syntheticSet } from "./_synthetic.ts";

recognizerSuite("FisherfacesRecognizer", () => new FisherfacesRecognizer());

Deno.test("FisherfacesRecognizer keeps C-1 discriminants", () => {
  const r = new FisherfacesRecognizer();
  const { images, labels } = syntheticSet(4, 3);
  r.train(images, labels);
  assert.equal(r.components, 3);
});

Deno.test("FisherfacesRecognizer needs two people and more images than people", () => {
  const one = syntheticSet(1, 3);
  assert.throws(() => new FisherfacesRecognizer().train(one.images, one.labels), {
    name: "RangeError",
    message: "fisher: expected at least 2 people (distinct labels), got 1",
  });
  const single = syntheticSet(3, 1);
  assert.throws(() => new FisherfacesRecognizer().train(single.images, single.labels), {
    name: "RangeError",
    message: /expected more images than people \(3\), got 3/,
  });
});
