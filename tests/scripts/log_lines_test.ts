import assert from "node:assert/strict";
import { parseLog, parseLogLine } from "../../scripts/lib/log_lines.ts";

Deno.test("parseLog() reads back what lib/service/log.ts writes, field for field", async () => {
  // The real logger, in a child process: it writes to stderr, and the format is the point.
  const logModule = new URL("../../lib/service/log.ts", import.meta.url).href;
  const code = `
    import { createLogger } from ${JSON.stringify(logModule)};
    const log = createLogger("recognizer", "info");
    log.debug("not shown");
    log.info("model trained", { algorithm: "eigen", mode: "full retrain", faces: 10, ms: 7 });
    log.warn("odd", { quote: 'say "hi"', path: "/tmp/a.db", empty: "", err: new Error("a=b c") });
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--ext=ts", code],
    stdout: "null",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const records = parseLog(new TextDecoder().decode(out.stderr));
  assert.equal(records.length, 2);
  const [trained, odd] = records;
  assert.equal(trained!.level, "info");
  assert.equal(trained!.component, "recognizer");
  assert.equal(trained!.event, "model trained");
  assert.deepEqual(trained!.fields, {
    algorithm: "eigen",
    mode: "full retrain",
    faces: "10",
    ms: "7",
  });
  assert.equal(odd!.event, "odd");
  assert.deepEqual(odd!.fields, { quote: 'say "hi"', path: "/tmp/a.db", empty: "", err: "a=b c" });
});

Deno.test("parseLogLine() skips lines that are not log lines and refuses malformed ones", () => {
  assert.equal(parseLogLine("error: Uncaught TypeError"), undefined);
  assert.equal(parseLogLine(""), undefined);
  const t = "2026-01-01T00:00:00.000Z info detector";
  assert.deepEqual(parseLogLine(`${t} listening port=7001`)?.fields, { port: "7001" });
  assert.throws(() => parseLogLine(`${t} x a="unterminated`), SyntaxError);
  assert.throws(() => parseLogLine(`${t} x a="b"c`), SyntaxError);
});
