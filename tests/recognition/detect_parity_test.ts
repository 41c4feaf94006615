/**
 * The whole detect-then-recognize pipeline against native OpenCV on real JPEG photos (lfw10,
 * `native_baseline.py --detect`): the same largest Haar box on every photo, then the same
 * predictions. Reference: tests/fixtures/native_lfw10_detect.json, written by
 * scripts/native_detect_reference.py.
 * @module
 */
import assert from "node:assert/strict";
import { HaarDetector } from "../../lib/detection/mod.ts";
import { cropAndResize, decodeGray, FACE_HEIGHT, FACE_WIDTH } from "../../lib/imaging/mod.ts";
import {
  CLASSIC_ALGORITHMS as ALGORITHMS,
  createRecognizer,
  type FaceImage,
} from "../../lib/recognition/mod.ts";
import { loadOpenCV } from "../../wasm/opencv.ts";
import { DATASETS_URL, datasetTest } from "../_datasets.ts";

interface NativeDetect {
  train_per_person: number;
  figures: Record<string, { accuracy: number }>;
  images: ({ file: string; box: number[] | null } & Record<string, number>)[];
}

const native: NativeDetect = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/native_lfw10_detect.json", import.meta.url)),
);
const LFW10 = new URL("lfw10/", DATASETS_URL);

datasetTest(
  "lfw10 --detect: same largest face box and same predictions as native OpenCV",
  async () => {
    const { cv } = await loadOpenCV();
    using detector = await HaarDetector.create();
    const people = [...new Set(native.images.map((i) => i.file.split("/")[0]!))];
    const train: { image: FaceImage; label: number }[] = [];
    const test: { image: FaceImage; label: number; index: number }[] = [];
    const seen = new Map<string, number>();
    let boxesEqual = 0;
    native.images.forEach((reference, index) => {
      const person = reference.file.split("/")[0]!;
      const position = seen.get(person) ?? 0;
      seen.set(person, position + 1);
      const gray = decodeGray(Deno.readFileSync(new URL(reference.file, LFW10)));
      const [box] = detector.detect(gray);
      const ours = box ? [box.x, box.y, box.width, box.height] : null;
      assert.deepEqual(ours, reference.box, `${reference.file}: largest face box`);
      boxesEqual++;
      if (!box) return;
      const image = cropAndResize(cv, gray, box, FACE_WIDTH, FACE_HEIGHT);
      const label = people.indexOf(person);
      if (position < native.train_per_person) train.push({ image, label });
      else test.push({ image, label, index });
    });
    assert.equal(boxesEqual, 100);
    for (const algorithm of ALGORITHMS) {
      const r = createRecognizer(algorithm);
      r.train(train.map((t) => t.image), train.map((t) => t.label));
      let agree = 0, correct = 0;
      for (const probe of test) {
        const predicted = r.predict(probe.image, 1)[0]!.label;
        if (predicted === native.images[probe.index]![algorithm]) agree++;
        if (predicted === probe.label) correct++;
      }
      const accuracy = correct / test.length;
      const nativeAccuracy = native.figures[algorithm]!.accuracy;
      // Eigenfaces: OpenCV keeps a numerically null axis (a rounding-noise direction) that we
      // drop (docs/RECOGNITION.md), which moves a close call now and then.
      const minAgree = algorithm === "eigen" ? test.length - 2 : test.length;
      assert.ok(agree >= minAgree, `${algorithm}: ${agree}/${test.length} labels as native`);
      assert.ok(
        Math.abs(accuracy - nativeAccuracy) <= 0.02 + 1e-9,
        `${algorithm}: accuracy ${accuracy}, native ${nativeAccuracy}`,
      );
    }
  },
);
