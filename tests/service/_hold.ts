/**
 * Jobs that hold a worker until released, shared by the pool tests and their echo worker:
 * slot HOLD_RUNNING counts the hold jobs that have started, HOLD_RELEASED lets them finish.
 * @module
 */
import { within } from "../_support/wait.ts";

export const HOLD_RUNNING = 0;
export const HOLD_RELEASED = 1;

/** Shared state for hold jobs: pass `state` in the job, then wait and release. */
export class Holds {
  readonly state: Int32Array = new Int32Array(new SharedArrayBuffer(8));

  /** A job that holds its worker until {@link release}. */
  job(): { type: "hold"; state: Int32Array } {
    return { type: "hold", state: this.state };
  }

  /** How many hold jobs have started. */
  get running(): number {
    return Atomics.load(this.state, HOLD_RUNNING);
  }

  /** Resolves once `count` hold jobs have started (fails after a generous deadline). */
  async started(count: number): Promise<void> {
    while (this.running < count) {
      const seen = this.running;
      const waiting = Atomics.waitAsync(this.state, HOLD_RUNNING, seen);
      if (waiting.async) await within(waiting.value, `${count} hold jobs to start`);
    }
  }

  /** Lets every hold job, running or still to come, finish. */
  release(): void {
    Atomics.store(this.state, HOLD_RELEASED, 1);
    Atomics.notify(this.state, HOLD_RELEASED);
  }
}
