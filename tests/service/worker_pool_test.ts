import assert from "node:assert/strict";
import { JobInputError, statusOf, WorkerJobError } from "../../lib/service/errors.ts";
import { WorkerPool, type WorkerPoolOptions } from "../../lib/service/worker_pool.ts";
import { within } from "../_support/wait.ts";
import type { EchoJob, EchoResults } from "./_echo_worker.ts";
import { Holds } from "./_hold.ts";

const ECHO = new URL("./_echo_worker.ts", import.meta.url);
const start = (options: WorkerPoolOptions) => WorkerPool.start<EchoJob, EchoResults>(ECHO, options);

Deno.test("WorkerPool.run() returns results and re-creates errors thrown in the worker", async () => {
  await using pool = await start({ size: 2, name: "echo", init: { prefix: ">" } });
  const echoed: string = await pool.run({ type: "echo", value: 1 });
  assert.equal(echoed, ">1");
  await assert.rejects(
    pool.run({ type: "fail" }),
    (e) =>
      e instanceof WorkerJobError && e.kind === "RangeError" && /asked to fail/.test(e.message),
  );
  assert.equal(await pool.run({ type: "echo", value: "still up" }), ">still up");
});

Deno.test("WorkerPool.run() rejects a declared input error as JobInputError and a bug as WorkerJobError", async () => {
  await using pool = await start({ size: 1, name: "kinds" });
  const refused = await pool.run({ type: "refuse" }).catch((e) => e);
  assert.ok(refused instanceof JobInputError, String(refused));
  assert.deepEqual([refused.kind, refused.code, refused.message], [
    "EchoInputError",
    "too_large",
    "asked to refuse",
  ]);
  assert.equal(statusOf(refused), "tooLarge");
  // A RangeError thrown by the worker is a fault of ours, not the client's.
  const failed = await pool.run({ type: "fail" }).catch((e) => e);
  assert.ok(failed instanceof WorkerJobError && !(failed instanceof JobInputError));
  assert.equal(statusOf(failed), "internal");
});

Deno.test("WorkerPool.run() spreads concurrent jobs over the workers", async () => {
  await using pool = await start({ size: 2, name: "spread" });
  const holds = new Holds();
  const jobs = [1, 2, 3, 4].map(() => pool.run(holds.job()));
  try {
    // Two jobs run at once, one per worker; the other two wait for a free one.
    await holds.started(2);
    assert.equal(holds.running, 2);
  } finally {
    holds.release(); // also on failure: a held worker would keep the pool from closing
  }
  assert.deepEqual(await Promise.all(jobs), ["spread", "spread", "spread", "spread"]);
  assert.equal(holds.running, 4);
});

Deno.test("WorkerPool replaces a crashed worker and fails only its job", async () => {
  await using pool = await start({ size: 1, name: "crashy" });
  await assert.rejects(pool.run({ type: "crash" }), /crashed/);
  assert.equal(await pool.run({ type: "echo", value: "after" }), "after");
});

Deno.test("WorkerPool.broadcast() reaches every worker", async () => {
  await using pool = await start({ size: 3, name: "all" });
  const results: string[] = await pool.broadcast({ type: "echo", value: "x" });
  assert.deepEqual(results, ["x", "x", "x"]);
});

Deno.test("WorkerPool.runOn() targets one worker and run() avoids it while busy", async () => {
  await using pool = await start({ size: 2, name: "turn" });
  const holds = new Holds();
  const busy = pool.runOn(0, holds.job());
  try {
    await holds.started(1);
    // Worker 0 stays held until released, so an answer can only come from worker 1.
    const free = await within(pool.run({ type: "echo", value: "free" }), "the idle worker");
    assert.equal(free, "free");
  } finally {
    holds.release();
  }
  assert.equal(await busy, "turn");
  assert.throws(() => pool.runOn(2, { type: "echo", value: 1 }), RangeError);
});

Deno.test("WorkerPool.recycle() replaces idle workers, which keep serving", async () => {
  await using pool = await start({ size: 2, name: "fresh" });
  assert.equal(await pool.run({ type: "echo", value: "before" }), "before");
  await pool.recycle();
  assert.deepEqual(await pool.broadcast({ type: "echo", value: "after" }), ["after", "after"]);
});

Deno.test("WorkerPool.start() rejects a size below 1 and close() is idempotent", async () => {
  await assert.rejects(start({ size: 0, name: "none" }), RangeError);
  const pool = await start({ size: 1, name: "twice" });
  pool.close();
  pool.close();
  await assert.rejects(pool.run({ type: "echo", value: 1 }), /closed/);
});
