/**
 * The fast CI version of `deno task stress`: the same script, with small sizes.
 */
import assert from "node:assert/strict";
import { datasetTest } from "../_datasets.ts";

datasetTest(
  "stress (fast): fuzzed frames, 16 concurrent clients and an identify loop leave both services up",
  async () => {
    const script = new URL("../../scripts/stress.ts", import.meta.url).pathname;
    const args = [
      "run",
      "-A",
      script,
      "--frames",
      "1000",
      "--requests",
      "600",
      "--per-client",
      "10",
    ];
    const out = await new Deno.Command(Deno.execPath(), {
      args: [...args, "--seed", "7", "--json"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    const stderr = new TextDecoder().decode(out.stderr);
    const last = stdout.trim().split("\n").at(-1) ?? "";
    assert.ok(last.startsWith("{"), `no JSON summary; stdout:\n${stdout}\nstderr:\n${stderr}`);
    const report = JSON.parse(last);
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
    assert.equal(report.passed, true);
    assert.equal(out.code, 0);
  },
);
