/**
 * The worker side of {@link WorkerPool}: runs `init` once (e.g. loading OpenCV), then
 * answers jobs one at a time with the handler it returned.
 * @module
 */
import type { WorkerReply } from "./worker_pool.ts";

/** Handles one job inside a worker; may return a result and the buffers to transfer. */
export type JobHandler = (
  job: unknown,
) => unknown | { result: unknown; transfer: Transferable[] } | Promise<unknown>;

/** Marks a handler result whose buffers should be transferred rather than copied. */
export function transferable(result: unknown, transfer: Transferable[]) {
  return { [TRANSFER]: true, result, transfer };
}
const TRANSFER = Symbol("transfer");

/** Serves jobs in this worker. Call once at the worker module's top level. */
export function serveWorker(init: (config: unknown) => Promise<JobHandler>): void {
  const scope = self as unknown as {
    onmessage: ((event: MessageEvent) => void) | null;
    postMessage(message: unknown, transfer?: Transferable[]): void;
  };
  let handler: JobHandler | undefined;
  scope.onmessage = async (event: MessageEvent) => {
    const data = event.data as { init?: unknown; id?: number; job?: unknown };
    if (handler === undefined && "init" in data) {
      try {
        handler = await init(data.init);
        scope.postMessage({ ready: true });
      } catch (error) {
        scope.postMessage({ fatal: error instanceof Error ? error.message : String(error) });
      }
      return;
    }
    const id = data.id ?? -1;
    try {
      if (!handler) throw new Error("worker not initialised");
      const value = await handler(data.job);
      if (value && typeof value === "object" && TRANSFER in value) {
        const { result, transfer } = value as unknown as {
          result: unknown;
          transfer: Transferable[];
        };
        scope.postMessage({ id, ok: true, result } satisfies WorkerReply, transfer);
      } else {
        scope.postMessage({ id, ok: true, result: value } satisfies WorkerReply);
      }
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      const code = (e as { code?: unknown }).code;
      scope.postMessage(
        {
          id,
          ok: false,
          error: {
            name: e.name,
            message: e.message,
            code: typeof code === "string" ? code : undefined,
          },
        } satisfies WorkerReply,
      );
    }
  };
}
