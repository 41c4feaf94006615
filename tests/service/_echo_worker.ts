// A test worker: echoes, fails, refuses its input, crashes, busy-waits or holds on request.
import { byType, serveWorker } from "../../lib/service/worker_host.ts";
import { HOLD_RELEASED, HOLD_RUNNING } from "./_hold.ts";

/** The input error this worker declares: a job it refuses, as a service refuses bad data. */
export class EchoInputError extends Error {
  override name = "EchoInputError";
  readonly code = "too_large";
}

/** Jobs of this worker. */
export type EchoJob =
  | { type: "echo"; value: unknown }
  | { type: "fail" }
  | { type: "refuse" }
  | { type: "crash" }
  | { type: "hold"; state: Int32Array }
  | { type: "sleep"; ms: number };

/** What each job returns. */
export interface EchoResults {
  echo: string;
  fail: never;
  refuse: never;
  crash: never;
  /** The worker's name. */
  hold: string;
  sleep: string;
}

serveWorker<EchoJob, EchoResults, { prefix?: string } | null>((config) => {
  const prefix = String(config?.prefix ?? "");
  return Promise.resolve(byType<EchoJob, EchoResults>({
    echo: (job) => `${prefix}${job.value}`,
    fail: () => {
      throw new RangeError("asked to fail");
    },
    refuse: () => {
      throw new EchoInputError("asked to refuse");
    },
    crash: () => {
      setTimeout(() => {
        throw new Error("worker crashed on purpose");
      });
      return new Promise<never>(() => {});
    },
    hold: (job) => {
      // Counts itself in, then blocks (as an OpenCV call would) until the test releases it:
      // the test sees which jobs run at once without timing anything.
      Atomics.add(job.state, HOLD_RUNNING, 1);
      Atomics.notify(job.state, HOLD_RUNNING);
      Atomics.wait(job.state, HOLD_RELEASED, 0);
      return self.name;
    },
    sleep: (job) => {
      const until = Date.now() + job.ms;
      while (Date.now() < until) { /* busy, like an OpenCV call */ }
      return self.name;
    },
  }));
}, { inputErrors: [EchoInputError] });
