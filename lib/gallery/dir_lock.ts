/**
 * One recognizer per data directory: an exclusive lock file, created atomically, naming
 * its holder. Two recognizers on one SQLite gallery would each keep their own models and
 * retrain over each other; the second one is refused at start instead.
 *
 * A lock left behind by a process that died (SIGKILL, power loss) is taken over when its
 * holder no longer runs on this host.
 *
 * @module
 */
import { GalleryError } from "./errors.ts";

/** Who holds a lock. */
export interface LockHolder {
  /** The holder's process id. */
  readonly pid: number;
  /** The host name it runs on. */
  readonly host: string;
  /** When it took the lock, as an ISO 8601 date ("?" when the lock file lacks it). */
  readonly since: string;
}

const LOCK_NAME = "recognizer.lock";

function alive(pid: number): boolean {
  try {
    Deno.statSync(`/proc/${pid}`);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    return true; // no /proc here: assume the holder runs, and let the user remove the file
  }
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(Deno.readTextFileSync(path)) as Partial<LockHolder>;
    if (typeof parsed.pid === "number" && typeof parsed.host === "string") {
      return { pid: parsed.pid, host: parsed.host, since: String(parsed.since ?? "?") };
    }
  } catch {
    // unreadable or half-written: treated as stale below
  }
  return undefined;
}

/**
 * An acquired lock on a data directory; `release()` (or `using`) removes it. Releasing
 * twice is safe.
 *
 * @example
 * ```ts ignore
 * using lock = DirLock.acquire(dataDir); // throws, naming the holder, if another runs there
 * ```
 */
export class DirLock implements Disposable {
  /** The lock file's path, inside the data directory. */
  readonly path: string;
  #held = true;

  private constructor(path: string) {
    this.path = path;
  }

  /** Takes the lock of `dir`, or throws a `GalleryError` (`locked`) naming the holder. */
  static acquire(dir: string): DirLock {
    const path = `${dir}/${LOCK_NAME}`;
    const me: LockHolder = {
      pid: Deno.pid,
      host: Deno.hostname(),
      since: new Date().toISOString(),
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const file = Deno.openSync(path, { write: true, createNew: true });
        try {
          file.writeSync(new TextEncoder().encode(JSON.stringify(me) + "\n"));
        } finally {
          file.close();
        }
        return new DirLock(path);
      } catch (error) {
        if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
      }
      const holder = readHolder(path);
      const stale = holder === undefined ||
        (holder.host === me.host && (holder.pid === Deno.pid ? false : !alive(holder.pid)));
      if (!stale) {
        throw new GalleryError(
          "locked",
          `data directory ${dir} is in use by another recognizer (pid ${holder.pid} on ` +
            `${holder.host}, since ${holder.since}); stop it, or give this one another --data. ` +
            `If no such process runs, remove ${path}`,
        );
      }
      Deno.removeSync(path); // its holder died: take the lock over
    }
    throw new GalleryError("locked", `could not take the lock ${path}; another process races`);
  }

  /** Removes the lock file. */
  release(): void {
    if (!this.#held) return;
    this.#held = false;
    try {
      Deno.removeSync(this.path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
  }

  /** Releases the lock, as {@link DirLock.release} does (for `using`). */
  [Symbol.dispose](): void {
    this.release();
  }
}
