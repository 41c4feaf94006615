import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

for (const when of ["after", "before"] as const) {
  Deno.test(`loadOpenCV() leaves errors thrown ${when} it their own text, not emscripten's abort()`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "facerec-abort-" });
    try {
      const script = `${dir}/${when}_load.ts`;
      const load = `await loadOpenCV();\n`;
      const fail = `await Deno.readFile(${JSON.stringify(`${dir}/missing.png`)});\n`;
      await Deno.writeTextFile(
        script,
        `import { loadOpenCV } from ${JSON.stringify(new URL("wasm/opencv.ts", ROOT).href)};\n` +
          (when === "after" ? load + fail : fail + load),
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
}
