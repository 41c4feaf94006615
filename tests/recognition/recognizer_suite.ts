/**
 * The behaviour suite every Recognizer implementation must pass (as hono runs one router
 * suite against each router): `recognizerSuite` registers the same tests for each one.
 * @module
 */
import assert from "node:assert/strict";
import {
  type FaceImage,
  loadRecognizer,
  ModelFileError,
  NotTrainedError,
  type Recognizer,
  UpdateNotSupportedError,
} from "../../lib/recognition/mod.ts";
import { syntheticFace, syntheticSet } from "./_synthetic.ts";

/** Registers the shared tests for the recognizer that `make` creates. */
export function recognizerSuite(
  name: string,
  make: () => Recognizer,
  options: {
    /** How a saved model is restored (default `loadRecognizer`; dnn needs its embedder). */
    load?: (bytes: Uint8Array) => Recognizer;
  } = {},
): void {
  const load = options.load ?? ((bytes: Uint8Array) => loadRecognizer(bytes));
  const trained = () => {
    const r = make();
    const { images, labels } = syntheticSet(3, 3);
    r.train(images, labels);
    return r;
  };
  const probe = (person: number) => syntheticFace(person, 99);

  Deno.test(`${name}: an untrained recognizer reports no model and refuses predict/save`, () => {
    const r = make();
    assert.equal(r.trained, false);
    assert.equal(r.sampleCount, 0);
    assert.equal(r.imageSize, undefined);
    assert.throws(() => r.predict(probe(0)), NotTrainedError);
    assert.throws(() => r.save(), NotTrainedError);
  });

  Deno.test(`${name}: train() rejects a label count that differs from the image count`, () => {
    const { images, labels } = syntheticSet(2, 3);
    assert.throws(() => make().train(images, labels.slice(1)), {
      name: "TypeError",
      message: "labels: expected 6 (one per image), got 5",
    });
  });

  Deno.test(`${name}: train() rejects images of different sizes`, () => {
    const { images, labels } = syntheticSet(2, 3);
    images[4] = syntheticFace(1, 4, 20, 28);
    assert.throws(() => make().train(images, labels), {
      name: "TypeError",
      message: "images[4]: expected 24x28 like the model's images, got 20x28",
    });
  });

  Deno.test(`${name}: train() rejects empty sets, bad buffers and bad labels`, () => {
    assert.throws(() => make().train([], []), {
      name: "RangeError",
      message: "images: expected at least 1 image, got 0",
    });
    const short: FaceImage = { width: 24, height: 28, data: new Uint8Array(10) };
    assert.throws(() => make().train([short], [1]), {
      name: "TypeError",
      message: "images[0]: expected 672 bytes for 24x28, got 10",
    });
    const { images } = syntheticSet(2, 2);
    assert.throws(() => make().train(images, [1, 1, 2.5, 2]), {
      name: "RangeError",
      message: "labels[2]: expected an int32 integer, got 2.5",
    });
  });

  Deno.test(`${name}: predict() ranks one candidate per label, nearest first`, () => {
    const r = trained();
    assert.equal(r.trained, true);
    assert.equal(r.sampleCount, 9);
    assert.deepEqual(r.imageSize, { width: 24, height: 28 });
    for (const person of [0, 1, 2]) {
      const ranked = r.predict(probe(person));
      assert.equal(ranked[0]?.label, (person + 1) * 10);
      assert.deepEqual(ranked.map((c) => c.label).sort(), [10, 20, 30]);
      for (let i = 1; i < ranked.length; i++) {
        assert.ok(ranked[i - 1]!.distance <= ranked[i]!.distance, "sorted by distance");
      }
    }
    assert.equal(r.predict(probe(0), 1).length, 1);
    assert.equal(r.predict(probe(0), 2).length, 2);
  });

  Deno.test(`${name}: predict() rejects a wrong image size and a bad limit`, () => {
    const r = trained();
    assert.throws(() => r.predict(syntheticFace(0, 0, 28, 24)), {
      name: "TypeError",
      message: "image: expected 24x28 like the model's images, got 28x24",
    });
    assert.throws(() => r.predict(probe(0), 0), {
      name: "RangeError",
      message: "limit: expected a positive integer, got 0",
    });
  });

  Deno.test(`${name}: train() replaces the previous model`, () => {
    const r = trained();
    const { images, labels } = syntheticSet(2, 2);
    r.train(images, labels);
    assert.equal(r.sampleCount, 4);
    assert.deepEqual(r.predict(probe(2), 10).map((c) => c.label).sort(), [10, 20]);
  });

  Deno.test(`${name}: save() and loadRecognizer() round-trip to identical predictions`, () => {
    const r = trained();
    const bytes = r.save();
    const back = load(bytes);
    assert.equal(back.algorithm, r.algorithm);
    assert.equal(back.sampleCount, r.sampleCount);
    assert.deepEqual(back.imageSize, r.imageSize);
    for (let p = 0; p < 4; p++) assert.deepEqual(back.predict(probe(p), 3), r.predict(probe(p), 3));
    assert.deepEqual(back.save(), bytes, "saving a loaded model gives the same bytes");
  });

  Deno.test(`${name}: loading a corrupt or truncated model fails with ModelFileError`, () => {
    const bytes = trained().save();
    const flipped = bytes.slice();
    flipped[bytes.length >> 1] = flipped[bytes.length >> 1]! ^ 0x40;
    assert.throws(() => load(flipped), ModelFileError);
    assert.throws(() => load(bytes.subarray(0, bytes.length - 1)), ModelFileError);
    assert.throws(() => load(new TextEncoder().encode("P5 92 112 255\n")), {
      name: "ModelFileError",
      message: /expected magic "FRCM"/,
    });
  });

  Deno.test(`${name}: update() adds samples or says it is not supported`, () => {
    const r = trained();
    const extra = syntheticSet(4, 2, 50);
    const newcomer = { images: extra.images.slice(6), labels: extra.labels.slice(6) };
    if (!r.supportsUpdate) {
      assert.throws(() => r.update(newcomer.images, newcomer.labels), {
        name: "UpdateNotSupportedError",
        message: /not supported, retrain/,
      });
      assert.throws(() => r.update(newcomer.images, newcomer.labels), UpdateNotSupportedError);
      assert.equal(r.sampleCount, 9, "the model is unchanged");
      return;
    }
    const before = r.predict(probe(0));
    r.update(newcomer.images, newcomer.labels);
    assert.equal(r.sampleCount, 11);
    assert.equal(r.predict(probe(3))[0]?.label, 40);
    assert.equal(r.predict(probe(0))[0]?.label, before[0]?.label);
    assert.throws(() => r.update([syntheticFace(0, 0, 20, 20)], [1]), {
      name: "TypeError",
      message: "images[0]: expected 24x28 like the model's images, got 20x20",
    });
    const back = load(r.save());
    assert.deepEqual(back.predict(probe(3)), r.predict(probe(3)));
  });
}
