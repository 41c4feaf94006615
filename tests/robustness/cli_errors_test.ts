/**
 * Errors a person can act on, from the real programs: a second recognizer on one data
 * directory, a busy port, help that lists only the program's own flags, usage errors in one
 * line.
 * @module
 */
import assert from "node:assert/strict";
import { startService } from "../_support/services.ts";
import { runClient } from "../../lib/client/client.ts";

const ROOT = new URL("../../", import.meta.url);

async function run(program: string, ...args: string[]) {
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(program, ROOT).pathname, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

Deno.test("a second recognizer on the same data directory exits, naming the one that holds it", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "facerec-lock-" });
  try {
    const first = await startService("recognizer", [
      "--port",
      "0",
      "--data",
      dataDir,
      "--workers",
      "1",
    ]);
    try {
      const second = await run("recognizer.ts", "--port", "0", "--data", dataDir, "--workers", "1");
      assert.equal(second.code, 1);
      assert.match(
        second.stderr,
        new RegExp(`in use by another recognizer \\(pid ${first.child.pid} on `),
      );
      assert.match(second.stderr, /give this one another --data/);
    } finally {
      await first.stop();
    }
    // Once the first has stopped, the directory is free again.
    const third = await startService("recognizer", [
      "--port",
      "0",
      "--data",
      dataDir,
      "--workers",
      "1",
    ]);
    await third.stop();
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("a server on a busy port says which port and why", async () => {
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dataDir = await Deno.makeTempDir({ prefix: "facerec-port-" });
  try {
    const port = String((busy.addr as Deno.NetAddr).port);
    const { code, stderr } = await run(
      "recognizer.ts",
      "--port",
      port,
      "--data",
      dataDir,
      "--workers",
      "1",
    );
    assert.equal(code, 1);
    assert.match(
      stderr,
      new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: port ${port} is already in use`),
    );
    assert.doesNotMatch(stderr, /AddrInUse|os error/);
  } finally {
    busy.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("recognizer --help lists only the recognizer's flags; usage errors are one line and a hint", async () => {
  const help = await run("recognizer.ts", "--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--data DIR/);
  assert.doesNotMatch(help.stdout, /--upstream-timeout|--query-timeout|--face-detector/);
  const detectorHelp = await run("detector.ts", "--help");
  assert.match(detectorHelp.stdout, /--face-detector D/);
  assert.match(detectorHelp.stdout, /--query-timeout/);
  const bad = await run("detector.ts", "--face-detector", "mtcnn");
  assert.equal(bad.code, 64);
  assert.equal(
    bad.stderr.trim(),
    'detector: --face-detector: expected one of yunet, haar, got "mtcnn"\n(run "detector --help" for the flags)',
  );
});

Deno.test("runClient() usage errors are one line and a hint, or JSON with --json", async () => {
  const err: string[] = [], out: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  assert.equal(await runClient(["identify"], io), 64);
  assert.deepEqual(err, [
    'client: identify: expected exactly one IMAGE, got 0 arguments\n(run "client --help" for the commands and options)',
  ]);
  assert.equal(
    await runClient(["--json", "identify", "a.jpg", "--annotate", "/no/such/dir/x.png"], io),
    64,
  );
  assert.deepEqual(JSON.parse(out.at(-1)!), {
    error: { status: "usage", message: "--annotate: folder /no/such/dir does not exist" },
  });
  assert.equal(await runClient(["--json", "enroll", "Ada", "/no/such/photo.jpg"], io), 1);
  assert.deepEqual(JSON.parse(out.at(-1)!), {
    error: { status: "client", message: "cannot read /no/such/photo.jpg: no such file" },
  });
  assert.equal(await runClient(["--json", "identify", "/no/such/photo.jpg"], io), 1);
  assert.deepEqual(JSON.parse(out.at(-1)!), {
    error: { status: "client", message: "cannot read /no/such/photo.jpg: no such file" },
  });
});
