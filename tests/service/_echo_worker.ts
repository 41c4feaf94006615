// A test worker: echoes, fails, crashes, busy-waits or holds on request.
import { serveWorker } from "../../lib/service/worker_host.ts";
import { HOLD_RELEASED, HOLD_RUNNING } from "./_hold.ts";

serveWorker((config) => {
  const prefix = String((config as { prefix?: string } | null)?.prefix ?? "");
  return Promise.resolve((job: unknown) => {
    const j = job as { type: string; value?: unknown; ms?: number };
    if (j.type === "echo") return `${prefix}${j.value}`;
    if (j.type === "fail") throw new RangeError("asked to fail");
    if (j.type === "crash") {
      setTimeout(() => {
        throw new Error("worker crashed on purpose");
      });
      return new Promise(() => {});
    }
    if (j.type === "hold") {
      // Counts itself in, then blocks (as an OpenCV call would) until the test releases it:
      // the test sees which jobs run at once without timing anything.
      const state = (job as { state: Int32Array }).state;
      Atomics.add(state, HOLD_RUNNING, 1);
      Atomics.notify(state, HOLD_RUNNING);
      Atomics.wait(state, HOLD_RELEASED, 0);
      return self.name;
    }
    if (j.type === "sleep") {
      const until = Date.now() + (j.ms ?? 0);
      while (Date.now() < until) { /* busy, like an OpenCV call */ }
      return self.name;
    }
    throw new TypeError(`unknown job ${j.type}`);
  });
});
