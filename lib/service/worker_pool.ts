/**
 * A fixed-size pool of Deno workers for the synchronous OpenCV-WASM work (decoding,
 * detection, recognition), so the event loop that serves sockets never blocks.
 *
 * Each worker runs {@link serveWorker} and handles one job at a time. Jobs go to the
 * worker with the shortest queue; `broadcast` queues a job on every worker (used to hand
 * a freshly trained model to all of them). A worker that dies fails its queued jobs and is
 * replaced.
 *
 * A pool is typed by the jobs its workers understand and by what each kind of job returns
 * (a {@link ResultMap} from the job's `type` to its result), so `run(job)` has the right
 * result type without a type argument, and a job the worker does not know is a compile
 * error.
 *
 * @module
 */
import { JobInputError, WorkerJobError } from "./errors.ts";

/** A job for a worker: a tagged object, told apart by `type`. */
export interface Job {
  readonly type: string;
}

/** For each job `type` of `J`, the type of that job's result. */
export type ResultMap<J extends Job> = { readonly [K in J["type"]]: unknown };

/** How an error thrown by a job crosses back to the pool. */
export interface WorkerFailure {
  /** The original error's `name` (e.g. "ImageError"). */
  name: string;
  message: string;
  /** The original error's `code`, when it had a string one. */
  code?: string;
  /**
   * True when the error is one the worker module declared an input error (the job's data
   * is unusable, e.g. an undecodable image); false for anything else, which is a fault.
   */
  input: boolean;
}

/** What a worker posts back for one job. */
export type WorkerReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: WorkerFailure };

interface Pending {
  id: number;
  job: Job;
  transfer: Transferable[];
  resolve(value: unknown): void;
  reject(error: Error): void;
}

class Slot {
  worker!: Worker;
  ready!: Promise<void>;
  queue: Pending[] = [];
  current: Pending | undefined;
}

/** Options of {@link WorkerPool.start}. */
export interface WorkerPoolOptions {
  /** Number of workers (at least 1). */
  size: number;
  /** Name shown in errors and logs. */
  name: string;
  /** Sent to each worker's init function. */
  init?: unknown;
}

/**
 * A pool of workers running the same module, which takes jobs `J` and answers a job of
 * type `K` with an `R[K]`. Supports `await using`.
 *
 * @example
 * ```ts ignore
 * type EchoJob = { type: "echo"; value: string } | { type: "count"; text: string };
 * type EchoResults = { echo: string; count: number };
 * const pool = await WorkerPool.start<EchoJob, EchoResults>(url, { size: 2, name: "echo" });
 * const n: number = await pool.run({ type: "count", text: "abc" });
 * ```
 */
export class WorkerPool<J extends Job, R extends ResultMap<J>> implements AsyncDisposable {
  readonly #url: URL;
  readonly #options: WorkerPoolOptions;
  readonly #slots: Slot[] = [];
  #nextId = 1;
  #closed = false;

  private constructor(url: URL, options: WorkerPoolOptions) {
    this.#url = url;
    this.#options = options;
  }

  /** Starts `size` workers from `url` and waits until every one has initialised. */
  static async start<J extends Job, R extends ResultMap<J>>(
    url: URL,
    options: WorkerPoolOptions,
  ): Promise<WorkerPool<J, R>> {
    if (!Number.isInteger(options.size) || options.size < 1) {
      throw new RangeError(`worker pool size: expected an integer >= 1, got ${options.size}`);
    }
    const pool = new WorkerPool<J, R>(url, options);
    for (let i = 0; i < options.size; i++) pool.#slots.push(pool.#spawn(new Slot()));
    try {
      await Promise.all(pool.#slots.map((s) => s.ready));
    } catch (error) {
      pool.close();
      throw error;
    }
    return pool;
  }

  /** Number of workers. */
  get size(): number {
    return this.#slots.length;
  }

  /** Jobs queued or running across all workers. */
  get pending(): number {
    return this.#slots.reduce((n, s) => n + s.queue.length + (s.current ? 1 : 0), 0);
  }

  #spawn(slot: Slot): Slot {
    const worker = new Worker(this.#url, { type: "module", name: this.#options.name });
    slot.worker = worker;
    slot.ready = new Promise<void>((resolve, reject) => {
      const onReady = (event: MessageEvent) => {
        const data = event.data as { ready?: boolean; fatal?: string };
        if (data.ready) {
          worker.removeEventListener("message", onReady);
          worker.addEventListener("message", (e) => this.#onReply(slot, e.data as WorkerReply));
          resolve();
          this.#pump(slot);
        } else if (data.fatal) {
          reject(new Error(`${this.#options.name} worker failed to start: ${data.fatal}`));
        }
      };
      worker.addEventListener("message", onReady);
      worker.addEventListener("error", (event) => {
        event.preventDefault();
        const message = `${this.#options.name} worker crashed: ${event.message}`;
        reject(new Error(message));
        this.#onCrash(slot, message);
      });
    });
    slot.ready.catch(() => {}); // observed by start() or by the crash handler
    worker.postMessage({ init: this.#options.init ?? null });
    return slot;
  }

  #onCrash(slot: Slot, message: string): void {
    const failed = [...(slot.current ? [slot.current] : []), ...slot.queue];
    slot.current = undefined;
    slot.queue = [];
    for (const job of failed) job.reject(new Error(message));
    slot.worker.terminate();
    if (!this.#closed) this.#spawn(slot);
  }

  #onReply(slot: Slot, reply: WorkerReply): void {
    const job = slot.current;
    if (!job || job.id !== reply.id) return;
    slot.current = undefined;
    if (reply.ok) job.resolve(reply.result);
    else {
      const { name, message, code, input } = reply.error;
      job.reject(
        input ? new JobInputError(name, message, code) : new WorkerJobError(name, message, code),
      );
    }
    this.#pump(slot);
  }

  #pump(slot: Slot): void {
    if (slot.current) return;
    const next = slot.queue.shift();
    if (!next) return;
    slot.current = next;
    slot.worker.postMessage({ id: next.id, job: next.job }, next.transfer);
  }

  #enqueue<T>(slot: Slot, job: J, transfer: Transferable[]): Promise<T> {
    if (this.#closed) return Promise.reject(new Error(`${this.#options.name} pool is closed`));
    return new Promise<T>((resolve, reject) => {
      slot.queue.push({
        id: this.#nextId++,
        job,
        transfer,
        resolve: resolve as (v: unknown) => void,
        reject,
      });
      slot.ready.then(() => this.#pump(slot), () => {});
    });
  }

  /** Runs one job on worker `index` (0 to size - 1), after the jobs queued there. */
  runOn<T extends J>(
    index: number,
    job: T,
    transfer: Transferable[] = [],
  ): Promise<R[T["type"]]> {
    const slot = this.#slots[index];
    if (!slot) {
      throw new RangeError(`worker index: expected 0 to ${this.#slots.length - 1}, got ${index}`);
    }
    return this.#enqueue<R[T["type"]]>(slot, job, transfer);
  }

  /**
   * Runs one job on the least busy worker.
   *
   * @throws {JobInputError} (as a rejection) when the worker refused the job's input.
   * @throws {WorkerJobError} (as a rejection) for any other error the job threw.
   */
  run<T extends J>(job: T, transfer: Transferable[] = []): Promise<R[T["type"]]> {
    let best = this.#slots[0]!;
    let bestLoad = Infinity;
    for (const slot of this.#slots) {
      const load = slot.queue.length + (slot.current ? 1 : 0);
      if (load < bestLoad) [best, bestLoad] = [slot, load];
    }
    return this.#enqueue<R[T["type"]]>(best, job, transfer);
  }

  /** Queues the same job on every worker and waits for all of them. */
  broadcast<T extends J>(job: T): Promise<R[T["type"]][]> {
    return Promise.all(this.#slots.map((slot) => this.#enqueue<R[T["type"]]>(slot, job, [])));
  }

  /**
   * Replaces every idle worker by a fresh one and waits until they are ready: a worker's
   * isolate keeps the memory of its last big job (garbage is only collected when it
   * allocates again), and terminating it returns all of it at once.
   */
  async recycle(): Promise<void> {
    if (this.#closed) return;
    for (const slot of this.#slots) {
      if (slot.current || slot.queue.length > 0) continue;
      slot.worker.terminate();
      this.#spawn(slot);
    }
    await Promise.all(this.#slots.map((slot) => slot.ready));
  }

  /** Terminates every worker; queued jobs fail. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const slot of this.#slots) {
      for (const job of [...(slot.current ? [slot.current] : []), ...slot.queue]) {
        job.reject(new Error(`${this.#options.name} pool closed`));
      }
      slot.queue = [];
      slot.current = undefined;
      slot.worker.terminate();
    }
  }

  [Symbol.asyncDispose](): Promise<void> {
    this.close();
    return Promise.resolve();
  }
}
