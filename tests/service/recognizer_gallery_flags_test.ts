import assert from "node:assert/strict";
import { EXIT_USAGE } from "../../lib/core/usage_error.ts";

const RECOGNIZER = new URL("../../recognizer.ts", import.meta.url).pathname;

async function recognizer(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", RECOGNIZER, "--port", "0", "--workers", "1", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("recognizer refuses --data with --gallery, naming both", async () => {
  const { code, stderr } = await recognizer(
    "--data",
    "x",
    "--gallery",
    "postgres://u@127.0.0.1:1/g",
  );
  assert.equal(code, EXIT_USAGE);
  assert.match(stderr, /--data and --gallery are alternatives/);
});

Deno.test("recognizer refuses a malformed --gallery URL with what it expected", async () => {
  const { code, stderr } = await recognizer("--gallery", "postgres://u:secret@127.0.0.1:5432");
  assert.equal(code, EXIT_USAGE);
  assert.match(
    stderr,
    /--gallery: expected postgres:\/\/USER\[:PASS\]@HOST:PORT\/DB, got no database/,
  );
  assert.ok(!stderr.includes("secret"), "the password is not echoed");
});

Deno.test("recognizer exits with a clear message when the gallery database stays unreachable", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const started = performance.now();
  const { code, stderr } = await recognizer(
    "--gallery",
    `postgres://u:pw@127.0.0.1:${port}/g`,
    "--gallery-wait",
    "1",
  );
  assert.equal(code, 1);
  assert.match(
    stderr,
    new RegExp(
      `cannot reach the gallery database postgres://u:\\*\\*\\*@127.0.0.1:${port}/g \\(tried for 1 s\\)`,
    ),
  );
  assert.ok(performance.now() - started < 30_000);
});
