/**
 * Parity with native OpenCV 4.6 `cv2.face` on ORL (first 5 images of each person train, the
 * other 5 test), against tests/fixtures/native_orl.json written by
 * scripts/native_reference.py.
 * @module
 */
import assert from "node:assert/strict";
import {
  type ClassicAlgorithm as Algorithm,
  createRecognizer,
  loadRecognizer,
} from "../../lib/recognition/mod.ts";
import { datasetTest } from "../_datasets.ts";
import { loadOrlIfPresent } from "./_orl.ts";

interface NativeReference {
  figures: Record<Algorithm, { accuracy: number }>;
  test:
    ({ file: string; label: number } & Record<Algorithm, { label: number; distance: number }>)[];
}

const native: NativeReference = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/native_orl.json", import.meta.url)),
);
const orl = await loadOrlIfPresent(5);

/** How far our nearest distance may be from OpenCV's, relatively. Eigenfaces differs by up
 * to ~1% because OpenCV keeps a numerically null axis (rounding noise) that we drop. */
const DISTANCE_TOLERANCE: Record<Algorithm, number> = { eigen: 0.02, fisher: 1e-6, lbph: 1e-6 };

/** Trains `algorithm` on ORL and compares every prediction with native cv2.face. */
function agreesWithNative(algorithm: Algorithm): () => void {
  return () => {
    assert.deepEqual(orl.test.map((s) => s.file), native.test.map((t) => t.file), "same split");
    const r = createRecognizer(algorithm);
    r.train(orl.train.map((s) => s.image), orl.train.map((s) => s.label));
    let correct = 0, agree = 0;
    orl.test.forEach((sample, i) => {
      const [best] = r.predict(sample.image, 1);
      const reference = native.test[i]![algorithm];
      if (best?.label === sample.label) correct++;
      if (best?.label === reference.label) agree++;
      const relative = Math.abs(best!.distance - reference.distance) / reference.distance;
      assert.ok(
        relative <= DISTANCE_TOLERANCE[algorithm],
        `${sample.file}: distance ${best!.distance} vs native ${reference.distance}`,
      );
    });
    const accuracy = correct / orl.test.length;
    const nativeAccuracy = native.figures[algorithm].accuracy;
    assert.ok(
      Math.abs(accuracy - nativeAccuracy) <= 0.015,
      `accuracy: expected within 1.5 points of native ${nativeAccuracy}, got ${accuracy}`,
    );
    assert.ok(
      agree / orl.test.length >= 0.97,
      `label agreement: expected >= 97%, got ${(100 * agree / orl.test.length).toFixed(1)}%`,
    );

    const back = loadRecognizer(r.save());
    for (const sample of orl.test.filter((_, i) => i % 10 === 0)) {
      assert.deepEqual(back.predict(sample.image, 40), r.predict(sample.image, 40));
    }
  };
}

// One call per test: tests/datasets_test.ts counts the calls.
datasetTest("eigen: predictions on ORL agree with native cv2.face", agreesWithNative("eigen"));
datasetTest("fisher: predictions on ORL agree with native cv2.face", agreesWithNative("fisher"));
datasetTest("lbph: predictions on ORL agree with native cv2.face", agreesWithNative("lbph"));
