import assert from "node:assert/strict";
import { WorkerJobError, WorkerPool } from "../../lib/service/worker_pool.ts";

const ECHO = new URL("./_echo_worker.ts", import.meta.url);

Deno.test("WorkerPool.run() returns results and re-creates errors thrown in the worker", async () => {
  await using pool = await WorkerPool.start(ECHO, { size: 2, name: "echo", init: { prefix: ">" } });
  assert.equal(await pool.run({ type: "echo", value: 1 }), ">1");
  await assert.rejects(
    pool.run({ type: "fail" }),
    (e) =>
      e instanceof WorkerJobError && e.kind === "RangeError" && /asked to fail/.test(e.message),
  );
  assert.equal(await pool.run({ type: "echo", value: "still up" }), ">still up");
});

Deno.test("WorkerPool.run() spreads concurrent jobs over the workers", async () => {
  await using pool = await WorkerPool.start(ECHO, { size: 2, name: "spread" });
  const started = performance.now();
  const results = await Promise.all([1, 2, 3, 4].map(() => pool.run({ type: "sleep", ms: 150 })));
  const elapsed = performance.now() - started;
  assert.equal(results.length, 4);
  // Two workers: four 150 ms jobs take about 300 ms, never the 600 ms of one worker.
  assert.ok(elapsed < 550, `took ${elapsed.toFixed(0)} ms`);
});

Deno.test("WorkerPool replaces a crashed worker and fails only its job", async () => {
  await using pool = await WorkerPool.start(ECHO, { size: 1, name: "crashy" });
  await assert.rejects(pool.run({ type: "crash" }), /crashed/);
  assert.equal(await pool.run({ type: "echo", value: "after" }), "after");
});

Deno.test("WorkerPool.broadcast() reaches every worker", async () => {
  await using pool = await WorkerPool.start(ECHO, { size: 3, name: "all" });
  const results = await pool.broadcast<string>({ type: "echo", value: "x" });
  assert.deepEqual(results, ["x", "x", "x"]);
});

Deno.test("WorkerPool.runOn() targets one worker and run() avoids it while busy", async () => {
  await using pool = await WorkerPool.start(ECHO, { size: 2, name: "turn" });
  const busy = pool.runOn<string>(0, { type: "sleep", ms: 300 });
  const t = performance.now();
  assert.equal(await pool.run({ type: "echo", value: "free" }), "free");
  assert.ok(performance.now() - t < 200, "the job ran on the idle worker");
  assert.equal(await busy, "turn");
  assert.throws(() => pool.runOn(2, { type: "echo", value: 1 }), RangeError);
});

Deno.test("WorkerPool.recycle() replaces idle workers, which keep serving", async () => {
  await using pool = await WorkerPool.start(ECHO, { size: 2, name: "fresh" });
  assert.equal(await pool.run({ type: "echo", value: "before" }), "before");
  await pool.recycle();
  assert.deepEqual(await pool.broadcast({ type: "echo", value: "after" }), ["after", "after"]);
});

Deno.test("WorkerPool.start() rejects a size below 1 and close() is idempotent", async () => {
  await assert.rejects(WorkerPool.start(ECHO, { size: 0, name: "none" }), RangeError);
  const pool = await WorkerPool.start(ECHO, { size: 1, name: "twice" });
  pool.close();
  pool.close();
  await assert.rejects(pool.run({ type: "echo", value: 1 }), /closed/);
});
