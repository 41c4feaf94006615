import assert from "node:assert/strict";
import { EXIT, runClient } from "../../lib/client/client.ts";
import { ALGORITHMS } from "../../lib/core/algorithms.ts";
import { collectImages } from "../../lib/client/collect_images.ts";

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runClient(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

Deno.test("runClient() exits 64 with a reason for every usage error", async () => {
  const cases: [string[], RegExp][] = [
    [[], /expected a command/],
    [["dance"], /unknown command "dance"/],
    [["enroll", "ada"], /expected NAME and at least one IMAGE or DIR/],
    [["enroll", "--name", "ada", "a.jpg"], /enroll: the name is the first argument/],
    [["identify"], /expected exactly one IMAGE/],
    [
      ["identify", "a.jpg", "--algorithm", "cnn"],
      /expected one of dnn, eigen, fisher, lbph, got cnn/,
    ],
    [["identify", "a.jpg", "--threshold=-1"], /expected a number >= 0, got -1/],
    [["identify", "a.jpg", "--annotate", "out.bmp"], /expected a \.png or \.jpg path/],
    [["--detector", "nowhere", "list"], /expected HOST:PORT/],
    [["--bogus", "list"], /unknown option --bogus; the options are --detector, /],
    [
      ["identify", "a.jpg", "--threshold", "-1"],
      /--threshold expects a value, got .*"-1".*--threshold=-1/,
    ],
    [["identify", "a.jpg", "--annotate"], /^client: --annotate expects a value$/m],
    [["list", "extra"], /expected no arguments, got 1/],
    [["verify", "a.jpg"], /verify: expected two IMAGEs, or one IMAGE and --name NAME, got 1/],
    [["verify", "a.jpg", "b.jpg", "c.jpg"], /expected two IMAGEs, or one IMAGE and --name NAME/],
    [
      ["verify", "a.jpg", "b.jpg", "--name", "Ada"],
      /expected exactly one IMAGE with --name, got 2/,
    ],
    [["verify", "a.jpg", "b.jpg", "--algorithm", "cnn"], /expected one of dnn, eigen/],
    [["verify", "a.jpg", "b.jpg", "--threshold", "x"], /expected a number >= 0, got x/],
    [["rename", "Ada"], /rename: expected OLD and NEW names, got 1 arguments/],
    [["rename", "Ada", "  "], /rename: the new name is empty/],
    [["faces"], /faces: expected exactly one NAME/],
    [
      ["forget", "Ada", "--face", "0"],
      /--face: expected a face id \(a whole number from 1\), got 0/,
    ],
    [["forget", "Ada", "--face", "1.5"], /--face: expected a face id/],
    [["forget", "Ada", "--face=-3"], /--face: expected a face id/],
    [["export", "Ada"], /export: expected NAME and DIR, got 1 arguments/],
  ];
  for (const [args, message] of cases) {
    const { code, err } = await run(...args);
    assert.equal(code, EXIT.usage, args.join(" "));
    assert.match(err, message, args.join(" "));
  }
});

Deno.test("runClient() --help lists the management commands and verify's exit statuses", async () => {
  const { code, out } = await run("--help");
  assert.equal(code, EXIT.ok);
  for (const command of ["verify IMAGE IMAGE", "--name NAME", "rename OLD NEW", "faces NAME"]) {
    assert.ok(out.includes(command), command);
  }
  assert.match(out, /forget NAME --face ID/);
  assert.match(out, /export NAME DIR/);
  assert.match(out, /verify: the same person/);
});

Deno.test("runClient() --help lists every algorithm, in the order of ALGORITHMS", async () => {
  const { code, out } = await run("--help");
  assert.equal(code, EXIT.ok);
  assert.ok(out.includes(`--algorithm ${ALGORITHMS.join("|")}`), out);
});

Deno.test("runClient() reports an unreachable detector as an error, in JSON too", async () => {
  // Bind then close a port so nothing listens there.
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  const { code, out } = await run("--detector", `127.0.0.1:${port}`, "--json", "stats");
  assert.equal(code, EXIT.error);
  const json = JSON.parse(out);
  assert.equal(json.error.status, "unavailable");
  assert.match(json.error.message, new RegExp(`detector at 127.0.0.1:${port} is unavailable`));
});

Deno.test("collectImages() walks directories in sorted order and keeps named files", async () => {
  const dir = await Deno.makeTempDir({ prefix: "facerec-collect-" });
  try {
    await Deno.mkdir(`${dir}/b/nested`, { recursive: true });
    for (const name of ["b/2.png", "b/10.JPG", "b/nested/x.pgm", "b/notes.txt", "a.webp"]) {
      await Deno.writeFile(`${dir}/${name}`, new Uint8Array([1]));
    }
    const found = await collectImages([`${dir}/b`, `${dir}/a.webp`, `${dir}/b/notes.txt`]);
    assert.deepEqual(found.map((p) => p.slice(dir.length + 1)), [
      "b/10.JPG",
      "b/2.png",
      "b/nested/x.pgm",
      "a.webp",
      "b/notes.txt",
    ]);
    await assert.rejects(collectImages([`${dir}/missing`]), Deno.errors.NotFound);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
