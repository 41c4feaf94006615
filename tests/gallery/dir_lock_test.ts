import assert from "node:assert/strict";
import { DirLock, GalleryError } from "../../lib/gallery/mod.ts";
import { taskPermissions } from "../_support/services.ts";

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

Deno.test("DirLock.acquire() takes a lock file whose holder is gone", () => {
  const dir = Deno.makeTempDirSync();
  try {
    // Left behind by a recognizer that was killed: the file names it, but nothing holds it.
    Deno.writeTextFileSync(
      `${dir}/recognizer.lock`,
      JSON.stringify({ pid: 999999, host: Deno.hostname(), since: "earlier" }),
    );
    using lock = DirLock.acquire(dir);
    const holder = JSON.parse(Deno.readTextFileSync(lock.path));
    assert.equal(holder.pid, Deno.pid);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("DirLock is held by another process until it is SIGKILLed, then taken", async () => {
  const dir = Deno.makeTempDirSync();
  const module = new URL("../../lib/gallery/dir_lock.ts", import.meta.url).href;
  const script = `${dir}/hold.ts`;
  Deno.writeTextFileSync(
    script,
    `import { DirLock } from ${JSON.stringify(module)};\n` +
      `DirLock.acquire(${JSON.stringify(dir)}); console.log("held");\n` +
      `setInterval(() => {}, 1000);\n`,
  );
  // With the recognizer's own permissions (deno.json's task): no --allow-all, no --allow-run.
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", ...taskPermissions("recognizer"), script],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  try {
    const reader = child.stdout.getReader();
    const first = await reader.read();
    assert.match(new TextDecoder().decode(first.value), /held/);
    assert.throws(
      () => DirLock.acquire(dir),
      (e) =>
        e instanceof GalleryError && e.code === "locked" &&
        e.message.includes(`pid ${child.pid} on `),
    );
    child.kill("SIGKILL");
    await child.status;
    reader.releaseLock();
    await child.stdout.cancel();
    using lock = DirLock.acquire(dir);
    assert.equal(JSON.parse(Deno.readTextFileSync(lock.path)).pid, Deno.pid);
  } finally {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
    Deno.removeSync(dir, { recursive: true });
  }
});
