import assert from "node:assert/strict";
import { DirLock, GalleryError } from "../../lib/gallery/mod.ts";

Deno.test("DirLock.acquire() refuses a directory in use, naming the holder", () => {
  const dir = Deno.makeTempDirSync();
  try {
    using _lock = DirLock.acquire(dir);
    assert.throws(
      () => DirLock.acquire(dir),
      (e) =>
        e instanceof GalleryError && e.code === "locked" &&
        e.message.includes(`pid ${Deno.pid} on ${Deno.hostname()}`),
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("DirLock.release() lets the next recognizer in, and is safe twice", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const lock = DirLock.acquire(dir);
    lock.release();
    lock.release();
    DirLock.acquire(dir).release();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("DirLock.acquire() takes over the lock of a process that died", async () => {
  const dir = Deno.makeTempDirSync();
  try {
    // A real process that has exited: its pid is free.
    const child = new Deno.Command("true").spawn();
    await child.status;
    Deno.writeTextFileSync(
      `${dir}/recognizer.lock`,
      JSON.stringify({ pid: child.pid, host: Deno.hostname(), since: "earlier" }),
    );
    using lock = DirLock.acquire(dir);
    const holder = JSON.parse(Deno.readTextFileSync(lock.path));
    assert.equal(holder.pid, Deno.pid);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
