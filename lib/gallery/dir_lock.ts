/**
 * One recognizer per data directory: an exclusive advisory lock (flock) on a lock file that
 * names its holder. Two recognizers on one SQLite gallery would each keep their own models
 * and retrain over each other; the second one is refused at start instead.
 *
 * The operating system drops the lock when its holder exits, however it exits (SIGKILL,
 * a crash), so a lock file left behind is no obstacle: only a running holder is. That needs
 * no look at other processes (which Deno allows only with --allow-all, for /proc) and no
 * clock.
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

function readHolder(path: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(Deno.readTextFileSync(path)) as Partial<LockHolder>;
    if (typeof parsed.pid === "number" && typeof parsed.host === "string") {
      return { pid: parsed.pid, host: parsed.host, since: String(parsed.since ?? "?") };
    }
  } catch {
    // unreadable or not yet written by a holder that has just taken the lock
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
  #file: Deno.FsFile | undefined;

  private constructor(path: string, file: Deno.FsFile) {
    this.path = path;
    this.#file = file;
  }

  /** Takes the lock of `dir`, or throws a `GalleryError` (`locked`) naming the holder. */
  static acquire(dir: string): DirLock {
    const path = `${dir}/${LOCK_NAME}`;
    for (let attempt = 0; attempt < 3; attempt++) {
      const file = Deno.openSync(path, { read: true, write: true, create: true });
      let locked = false;
      try {
        locked = file.tryLockSync(true);
        // A holder that was releasing may have removed the file between our open and our
        // lock: then the lock is on a file nobody else will open again. Start over.
        if (locked && !samePath(file, path)) {
          locked = false;
          continue;
        }
      } finally {
        if (!locked) file.close();
      }
      if (locked) return DirLock.#own(path, file);
      break;
    }
    const holder = readHolder(path);
    const who = holder
      ? `pid ${holder.pid} on ${holder.host}, since ${holder.since}`
      : "its holder has not written its name yet";
    throw new GalleryError(
      "locked",
      `data directory ${dir} is in use by another recognizer (${who}); stop it, or give ` +
        `this one another --data`,
    );
  }

  static #own(path: string, file: Deno.FsFile): DirLock {
    const me: LockHolder = { pid: Deno.pid, host: hostName(), since: new Date().toISOString() };
    file.truncateSync(0);
    file.writeSync(new TextEncoder().encode(JSON.stringify(me) + "\n"));
    return new DirLock(path, file);
  }

  /** Removes the lock file and drops the lock. */
  release(): void {
    const file = this.#file;
    if (!file) return;
    this.#file = undefined;
    try {
      // Removed while still locked, so that no other process opens a file about to vanish.
      Deno.removeSync(this.path);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    } finally {
      file.close();
    }
  }

  /** Releases the lock, as {@link DirLock.release} does (for `using`). */
  [Symbol.dispose](): void {
    this.release();
  }
}

/** True when `path` still names the file `file` has open. */
function samePath(file: Deno.FsFile, path: string): boolean {
  try {
    return file.statSync().ino === Deno.statSync(path).ino;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** This machine's name for the lock file, or "unknown host" without --allow-sys=hostname. */
function hostName(): string {
  try {
    return Deno.hostname();
  } catch (error) {
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      return "unknown host";
    }
    throw error;
  }
}
