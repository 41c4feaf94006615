/**
 * Fisherfaces when training images repeat, so that the within-class scatter is singular: the
 * issue's ORL recipe (s1..s15, 1.pgm copied over 10.pgm for s1..s9, the first 6 files of each
 * person train), rebuilt in a temporary folder from the recipe recorded in
 * tests/fixtures/native_orl_singular.json, which scripts/native_singular_reference.py wrote
 * with native cv2.face's labels. Datasets: $FACEREC_DATASETS, else ../shared/datasets beside
 * the repository; the tests are skipped without ORL.
 * @module
 */
import assert from "node:assert/strict";
import { DATASETS_URL, datasetTest, HAVE_DATASETS } from "../_datasets.ts";
import { FisherfacesRecognizer } from "../../lib/recognition/mod.ts";
import { loadOrl, type OrlSplit } from "./_orl.ts";
import { random } from "./_synthetic.ts";

interface SingularReference {
  recipe: {
    people: string[];
    copies: { person: string; from: string; to: string }[];
    train_per_person: number;
  };
  figures: { fisher: { accuracy: number } };
  fisher_accuracy_by_training_order: number[];
  test: { file: string; label: number; fisher: { label: number } }[];
}

const native: SingularReference = JSON.parse(
  await Deno.readTextFile(new URL("../fixtures/native_orl_singular.json", import.meta.url)),
);
const ORL = new URL("orl/", DATASETS_URL);
const haveOrl = HAVE_DATASETS;

/** Copies the recipe's people into a temporary folder, applies its copies, and splits it. */
async function recipe(): Promise<OrlSplit> {
  const root = await Deno.makeTempDir({ prefix: "facerec_fisher_singular_" });
  try {
    for (const person of native.recipe.people) {
      await Deno.mkdir(`${root}/${person}`);
      for await (const e of Deno.readDir(new URL(`${person}/`, ORL))) {
        if (e.isFile) {
          await Deno.copyFile(new URL(`${person}/${e.name}`, ORL), `${root}/${person}/${e.name}`);
        }
      }
    }
    for (const c of native.recipe.copies) {
      await Deno.copyFile(`${root}/${c.person}/${c.from}`, `${root}/${c.person}/${c.to}`);
    }
    return await loadOrl(native.recipe.train_per_person, new URL(`file://${root}/`));
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

const split = haveOrl ? await recipe() : undefined;

/** Trains on the recipe's training images in `order` and predicts every probe's label. */
function labelsAfterTraining(s: OrlSplit, order: number[]): number[] {
  const r = new FisherfacesRecognizer();
  r.train(order.map((i) => s.train[i]!.image), order.map((i) => s.train[i]!.label));
  assert.equal(r.components, native.recipe.people.length - 1, "C-1 discriminants");
  return s.test.map((t) => r.predict(t.image, 1)[0]!.label);
}

datasetTest({
  name: "FisherfacesRecognizer scores at least native's accuracy when training images repeat",
  fn() {
    const s = split!;
    assert.deepEqual(s.test.map((t) => t.file), native.test.map((t) => t.file), "same split");
    const labels = labelsAfterTraining(s, s.train.map((_, i) => i));
    const correct = labels.filter((label, i) => label === s.test[i]!.label).length;
    const accuracy = correct / s.test.length;
    const nativeAccuracy = native.figures.fisher.accuracy;
    assert.ok(
      accuracy >= nativeAccuracy,
      `accuracy: expected at least native's ${nativeAccuracy}, got ${accuracy}`,
    );
  },
});

datasetTest({
  name: "FisherfacesRecognizer predicts the same labels whatever the order of repeated images",
  fn() {
    // Native's accuracy on these very images moves with their order (the fixture's
    // fisher_accuracy_by_training_order): it inverts a singular scatter, i.e. rounding noise.
    const s = split!;
    const given = s.train.map((_, i) => i);
    const expected = labelsAfterTraining(s, given);
    const next = random(20240601);
    for (const order of [given.toReversed(), given.toSorted(() => next() - 0.5)]) {
      assert.deepEqual(labelsAfterTraining(s, order), expected);
    }
  },
});
