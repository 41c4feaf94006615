/**
 * The worker side of {@link WorkerPool}: runs `init` once (e.g. loading OpenCV), then
 * answers jobs one at a time with the handler it returned.
 * @module
 */
import type { Job, ResultMap, WorkerFailure, WorkerReply } from "./worker_pool.ts";

const TRANSFER = Symbol("transfer");

/** A result whose buffers are transferred rather than copied (see {@link transferable}). */
export interface Transferred<T> {
  readonly [TRANSFER]: true;
  readonly result: T;
  readonly transfer: Transferable[];
}

/** What a handler may return for a job whose result is a `T`. */
export type Reply<T> = T | Transferred<T> | Promise<T | Transferred<T>>;

/** Handles one job inside a worker: a job of type `K` gets an `R[K]`. */
export type JobHandler<J extends Job, R extends ResultMap<J>> = (job: J) => Reply<R[J["type"]]>;

/** One handler per job type, each given its own kind of job and returning its own result. */
export type JobHandlers<J extends Job, R extends ResultMap<J>> = {
  readonly [K in J["type"]]: (job: Extract<J, { type: K }>) => Reply<R[K]>;
};

/** An error class, as listed in {@link ServeOptions.inputErrors}. */
// deno-lint-ignore no-explicit-any
export type ErrorClass = abstract new (...args: any[]) => Error;

/** Options of {@link serveWorker}. */
export interface ServeOptions {
  /**
   * Errors that mean the job's input is unusable (e.g. `ImageError`): they reach the pool as
   * a `JobInputError`, which the service answers as the client's mistake. Any other error
   * is a fault and reaches it as a `WorkerJobError` (status `internal`).
   */
  inputErrors?: readonly ErrorClass[];
}

/**
 * Marks a handler result whose buffers should be transferred rather than copied.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { transferable } from "./worker_host.ts";
 * const pixels = new Uint8Array(4);
 * assert.equal(transferable({ pixels }, [pixels.buffer]).result.pixels, pixels);
 * ```
 */
export function transferable<T>(result: T, transfer: Transferable[]): Transferred<T> {
  return { [TRANSFER]: true, result, transfer };
}

/**
 * One handler for every job, from one handler per job type.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { byType } from "./worker_host.ts";
 * type J = { type: "double"; n: number } | { type: "name" };
 * const handle = byType<J, { double: number; name: string }>({
 *   double: (job) => job.n * 2,
 *   name: () => "maths",
 * });
 * assert.equal(handle({ type: "double", n: 4 }), 8);
 * ```
 */
export function byType<J extends Job, R extends ResultMap<J>>(
  handlers: JobHandlers<J, R>,
): JobHandler<J, R> {
  return (job) => {
    const handler = handlers[job.type as J["type"]] as
      | ((job: J) => Reply<R[J["type"]]>)
      | undefined;
    if (!handler) {
      const known = Object.keys(handlers).join(", ");
      throw new TypeError(`job type: expected one of ${known}, got ${JSON.stringify(job.type)}`);
    }
    return handler(job);
  };
}

/**
 * Serves jobs in this worker. Call once at the worker module's top level; `init` gets the
 * pool's `init` option.
 */
export function serveWorker<J extends Job, R extends ResultMap<J>, Config = unknown>(
  init: (config: Config) => Promise<JobHandler<J, R>>,
  options: ServeOptions = {},
): void {
  const scope = self as unknown as {
    onmessage: ((event: MessageEvent) => void) | null;
    postMessage(message: unknown, transfer?: Transferable[]): void;
  };
  const inputErrors = options.inputErrors ?? [];
  let handler: JobHandler<J, R> | undefined;
  scope.onmessage = async (event: MessageEvent) => {
    const data = event.data as { init?: Config; id?: number; job?: J };
    if (handler === undefined && "init" in data) {
      try {
        handler = await init(data.init as Config);
        scope.postMessage({ ready: true });
      } catch (error) {
        scope.postMessage({ fatal: error instanceof Error ? error.message : String(error) });
      }
      return;
    }
    const id = data.id ?? -1;
    try {
      if (!handler) throw new Error("worker not initialised");
      const value: unknown = await handler(data.job as J);
      if (value && typeof value === "object" && TRANSFER in value) {
        const { result, transfer } = value as Transferred<unknown>;
        scope.postMessage({ id, ok: true, result } satisfies WorkerReply, transfer);
      } else {
        scope.postMessage({ id, ok: true, result: value } satisfies WorkerReply);
      }
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      const code = (e as { code?: unknown }).code;
      const failure: WorkerFailure = {
        name: e.name,
        message: e.message,
        input: inputErrors.some((kind) => e instanceof kind),
        ...(typeof code === "string" ? { code } : {}),
      };
      scope.postMessage({ id, ok: false, error: failure } satisfies WorkerReply);
    }
  };
}
