import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

Deno.test("loadOpenCV() leaves later errors their own text, not emscripten's abort()", async () => {
  const dir = await Deno.makeTempDir({ prefix: "facerec-abort-" });
  try {
    const script = `${dir}/after_load.ts`;
    await Deno.writeTextFile(
      script,
      `import { loadOpenCV } from ${JSON.stringify(new URL("wasm/opencv.ts", ROOT).href)};\n` +
        `await loadOpenCV();\n` +
        `await Deno.readFile(${JSON.stringify(`${dir}/missing.png`)});\n`,
    );
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "--config", new URL("deno.json", ROOT).pathname, script],
      stdout: "null",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(stderr);
    assert.notEqual(code, 0);
    assert.match(text, /NotFound: No such file or directory/);
    assert.doesNotMatch(text, /abort\(|ASSERTIONS/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
