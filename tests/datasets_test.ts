/**
 * The dataset guard of tests/_datasets.ts, and the one notice printed when the datasets are
 * absent. This module prints it (every test module has its own copy of the helper, so only
 * one module may), counting the `datasetTest` calls under tests/.
 * @module
 */
import assert from "node:assert/strict";
import { DATASETS_LABEL, hasDatasets, HAVE_DATASETS, resolveDatasets, ROOT } from "./_datasets.ts";

/** A registration: every call starts a statement (keep them out of loops, one per test). */
const CALL = /^\s*datasetTest\(/gm;

/** How many `datasetTest(` calls the test sources under `dir` make. */
function countDatasetTests(dir: URL): number {
  let n = 0;
  for (const entry of Deno.readDirSync(dir)) {
    if (entry.isDirectory && entry.name !== "fixtures") {
      n += countDatasetTests(new URL(`${entry.name}/`, dir));
    } else if (entry.isFile && entry.name.endsWith("_test.ts")) {
      n += Deno.readTextFileSync(new URL(entry.name, dir)).match(CALL)?.length ?? 0;
    }
  }
  return n;
}

if (!HAVE_DATASETS) {
  const skipped = countDatasetTests(new URL("tests/", ROOT));
  console.error(
    `note: ${DATASETS_LABEL} not found (set FACEREC_DATASETS); ${skipped} dataset tests skipped`,
  );
}

Deno.test("resolveDatasets() takes FACEREC_DATASETS from the repository root, or the default", () => {
  const root = new URL("file:///repo/facerec/");
  assert.equal(resolveDatasets(undefined, root).href, "file:///repo/shared/datasets/");
  assert.equal(resolveDatasets("", root).href, "file:///repo/shared/datasets/");
  assert.equal(resolveDatasets("data", root).href, "file:///repo/facerec/data/");
  assert.equal(resolveDatasets("/srv/faces/", root).href, "file:///srv/faces/");
});

Deno.test("hasDatasets() wants every part as a directory", async () => {
  const dir = await Deno.makeTempDir({ prefix: "facerec-datasets-" });
  try {
    const url = new URL(`file://${dir}/`);
    await Deno.mkdir(`${dir}/orl`);
    await Deno.writeTextFile(`${dir}/bbt`, "a file, not a folder");
    assert.equal(hasDatasets(url, ["orl"]), true);
    assert.equal(hasDatasets(url, ["orl", "bbt"]), false);
    assert.equal(hasDatasets(url, ["orl", "lfw10"]), false);
    assert.equal(hasDatasets(new URL("missing/", url), ["orl"]), false);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("countDatasetTests() finds the dataset tests", () => {
  assert.ok(countDatasetTests(new URL("tests/", ROOT)) > 0);
});
