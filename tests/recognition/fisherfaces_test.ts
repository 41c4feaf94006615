import assert from "node:assert/strict";
import { FisherfacesRecognizer } from "../../lib/recognition/mod.ts";
import { recognizerSuite } from "./recognizer_suite.ts";
import { syntheticFace, syntheticSet } from "./_synthetic.ts";

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

/** 4 people x 3 synthetic images, each image given `copies` times in a row. */
function repeated(copies: number) {
  const { images, labels } = syntheticSet(4, 3);
  return {
    images: images.flatMap((image) => Array<typeof image>(copies).fill(image)),
    labels: labels.flatMap((label) => Array<number>(copies).fill(label)),
  };
}

Deno.test("FisherfacesRecognizer trains on repeated images, whatever their order", () => {
  // 24 faces, 4 people: the PCA would keep N-C = 20 axes, but the within-class scatter has
  // rank 8 (12 distinct faces - 4 people); OpenCV would invert it singular.
  const { images, labels } = repeated(2);
  const probes = [0, 1, 2, 3].map((person) => syntheticFace(person, 99));
  const predictions = (order: number[], options = {}) => {
    const r = new FisherfacesRecognizer(options);
    r.train(order.map((i) => images[i]!), order.map((i) => labels[i]!));
    assert.equal(r.components, 3);
    return probes.map((p) => r.predict(p, 1)[0]!.label);
  };
  const given = images.map((_, i) => i);
  assert.deepEqual(predictions(given), [10, 20, 30, 40]);
  assert.deepEqual(predictions(given.toReversed()), [10, 20, 30, 40]);
  // The sampled-basis path (a gallery above maxBasisSamples) drops axes the same way.
  assert.deepEqual(predictions(given, { maxBasisSamples: 16 }), [10, 20, 30, 40]);
});

Deno.test("FisherfacesRecognizer refuses people whose images are all one image", () => {
  const { images, labels } = syntheticSet(3, 1);
  assert.throws(
    () => new FisherfacesRecognizer().train([...images, ...images], [...labels, ...labels]),
    {
      name: "RangeError",
      message: "fisher: expected some variation among a person's training images, got none " +
        "(every person's images are copies of one image)",
    },
  );
});
