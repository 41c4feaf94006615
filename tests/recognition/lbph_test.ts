import assert from "node:assert/strict";
import { LbphRecognizer, loadRecognizer } from "../../lib/recognition/mod.ts";
import { recognizerSuite } from "./recognizer_suite.ts";
import { syntheticFace, syntheticSet } from "./_synthetic.ts";

recognizerSuite("LbphRecognizer", () => new LbphRecognizer());

Deno.test("LbphRecognizer uses OpenCV's defaults: 8x8 cells of 256 bins", () => {
  const r = new LbphRecognizer();
  assert.deepEqual(r.options, { radius: 1, neighbors: 8, gridX: 8, gridY: 8 });
  assert.equal(r.histogramLength, 16384);
});

Deno.test("LbphRecognizer.update() on an untrained model trains it", () => {
  const r = new LbphRecognizer();
  const { images, labels } = syntheticSet(2, 2);
  r.update(images, labels);
  assert.equal(r.sampleCount, 4);
  assert.equal(r.predict(syntheticFace(1, 9))[0]?.label, 20);
});

Deno.test("LbphRecognizer round-trips non-default parameters", () => {
  const r = new LbphRecognizer({ radius: 2, neighbors: 6, gridX: 3, gridY: 4 });
  const { images, labels } = syntheticSet(3, 2);
  r.train(images, labels);
  const back = loadRecognizer(r.save()) as LbphRecognizer;
  assert.deepEqual(back.options, { radius: 2, neighbors: 6, gridX: 3, gridY: 4 });
  assert.deepEqual(back.predict(syntheticFace(2, 7)), r.predict(syntheticFace(2, 7)));
});

Deno.test("LbphRecognizer rejects images too small for its grid", () => {
  const r = new LbphRecognizer();
  const tiny = { width: 8, height: 8, data: new Uint8Array(64) };
  assert.throws(() => r.train([tiny], [1]), {
    name: "RangeError",
    message: "image: expected at least 10x10 for a 8x8 grid at radius 1, got 8x8",
  });
  assert.throws(() => new LbphRecognizer({ neighbors: 0 }), RangeError);
});
