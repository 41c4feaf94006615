import assert from "node:assert/strict";
import { evaluate, readCorpus, splitCorpus } from "../../lib/evaluation/mod.ts";
import { DEFAULT_THRESHOLDS, galleryThreshold } from "../../lib/recognition/mod.ts";
import { datasetPath, datasetTest } from "../_datasets.ts";

/**
 * Small galleries as a new user builds them: 2 people of ORL with 4 photos each, and 3
 * strangers, cut by YuNet as the service cuts them. Two disjoint groups (s1-s5, s6-s10).
 */
async function smallGalleries() {
  const dir = await Deno.makeTempDir({ prefix: "facerec-small-gallery-" });
  const groups = [];
  try {
    for (const first of [1, 6]) {
      const root = `${dir}/g${first}`;
      await Deno.mkdir(root);
      for (let s = first; s < first + 5; s++) {
        await Deno.symlink(datasetPath(`orl/s${s}`), `${root}/s${s}`);
      }
      const corpus = await readCorpus({ dir: root, width: 92, height: 112, detect: "yunet" });
      groups.push(splitCorpus(corpus, 4, 3));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return groups;
}

datasetTest("galleryThreshold() keeps strangers out of a 2-person Eigen gallery", async () => {
  let strangers = 0, named = 0, namedAtLargeDefault = 0, nearestRight = 0, accepted = 0;
  for (const data of await smallGalleries()) {
    const { known, unknown } = evaluate(data, "eigen", Infinity);
    const threshold = galleryThreshold("eigen", { faces: data.train.length, people: 2 });
    assert.ok(threshold < DEFAULT_THRESHOLDS.eigen, `threshold ${threshold}`);
    for (const p of unknown) {
      strangers++;
      if (p.best!.distance < threshold) named++;
      if (p.best!.distance < DEFAULT_THRESHOLDS.eigen) namedAtLargeDefault++;
    }
    for (const p of known) {
      if (p.best?.label !== p.label) continue;
      nearestRight++;
      if (p.best.distance < threshold) accepted++;
    }
  }
  // The large-gallery value names most strangers here; the gallery's own keeps FAR low and
  // still names most of the people it finds.
  assert.ok(namedAtLargeDefault / strangers > 0.3, `${namedAtLargeDefault}/${strangers}`);
  assert.ok(named / strangers <= 0.1, `FAR ${named}/${strangers}`);
  assert.ok(accepted / nearestRight >= 0.4, `named ${accepted}/${nearestRight}`);
});

Deno.test("galleryThreshold() grows Eigen's with the gallery up to the large default", () => {
  let previous = 0;
  for (const faces of [2, 4, 10, 30, 60, 100, 1000]) {
    const t = galleryThreshold("eigen", { faces, people: 2 });
    assert.ok(t >= previous && t <= DEFAULT_THRESHOLDS.eigen, `${faces}: ${t}`);
    previous = t;
  }
  assert.equal(previous, DEFAULT_THRESHOLDS.eigen);
  assert.equal(galleryThreshold("lbph", { faces: 2, people: 2 }), DEFAULT_THRESHOLDS.lbph);
  assert.ok(
    galleryThreshold("fisher", { faces: 4, people: 2 }) <
      galleryThreshold("fisher", { faces: 6, people: 3 }),
  );
});
