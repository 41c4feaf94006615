/**
 * The fast CI version of `deno task stress`: the same run (`runStress`), with small sizes.
 */
import assert from "node:assert/strict";
import { runStress } from "../../scripts/stress.ts";
import { DATASETS, datasetTest } from "../_datasets.ts";

datasetTest(
  "stress (fast): fuzzed frames, 16 concurrent clients and an identify loop leave both services up",
  async () => {
    const report = await runStress({
      frames: 1000,
      requests: 600,
      clients: 16,
      perClient: 10,
      workers: 1,
      seed: 7,
      datasets: DATASETS,
    });
    console.log(
      `fuzz ${report.fuzz.framesSent} frames, ${report.fuzz.errors} errors, ` +
        `${report.fuzz.crashes} crashes; load p50 ${report.load.p50Ms} ms, p99 ${report.load.p99Ms} ms; ` +
        `RSS growth detector ${report.memory.detectorGrowth}, recognizer ${report.memory.recognizerGrowth}`,
    );
    assert.equal(report.fuzz.framesSent, 2000);
    assert.equal(report.fuzz.errors, 0, JSON.stringify(report.fuzz));
    assert.equal(report.fuzz.crashes, 0);
    assert.deepEqual(report.fuzz.afterFuzz, []);
    assert.equal(report.load.requests, 160);
    assert.equal(report.load.errors, 0, JSON.stringify(report.load));
    assert.equal(report.memory.errors, 0);
    assert.ok(report.memory.detectorGrowth < 0.1, JSON.stringify(report.memory));
    assert.ok(report.memory.recognizerGrowth < 0.1, JSON.stringify(report.memory));
    assert.deepEqual(report.final, []);
    assert.deepEqual(report.checks.filter((c) => !c.ok), []);
    assert.equal(report.passed, true);
  },
);
