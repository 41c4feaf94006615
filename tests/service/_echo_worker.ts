// A test worker: echoes, fails, or crashes on request.
import { serveWorker } from "../../lib/service/worker_host.ts";

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
    if (j.type === "sleep") {
      const until = Date.now() + (j.ms ?? 0);
      while (Date.now() < until) { /* busy, like an OpenCV call */ }
      return self.name;
    }
    throw new TypeError(`unknown job ${j.type}`);
  });
});
