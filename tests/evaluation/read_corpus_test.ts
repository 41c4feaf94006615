import assert from "node:assert/strict";
import { readCorpus, splitCorpus } from "../../lib/evaluation/mod.ts";

/** The ORL faces this repository ships (subjects s2..s7 and s40, images 1-7). */
const ORL = new URL("../../fixtures/orl/", import.meta.url);

/** Two people, each with ORL faces under misleading names and one file that is no image. */
async function oddlyNamedDataset(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "facerec-eval-" });
  for (const [person, source] of [["alice", "s2"], ["bob", "s3"]]) {
    await Deno.mkdir(`${dir}/${person}`);
    const face = (n: number) => Deno.readFile(new URL(`${source}/${n}.pgm`, ORL));
    await Deno.writeFile(`${dir}/${person}/a.pgm`, await face(1));
    await Deno.writeFile(`${dir}/${person}/b`, await face(2)); // no extension
    await Deno.writeTextFile(`${dir}/${person}/c.txt`, "not an image");
    await Deno.writeFile(`${dir}/${person}/d.jpg.bad`, await face(3)); // a PGM named oddly
  }
  return dir;
}

Deno.test("readCorpus() reads every file by its content and keeps native's file positions", async () => {
  const dir = await oddlyNamedDataset();
  try {
    const corpus = await readCorpus({ dir, width: 46, height: 56, detect: false });
    assert.deepEqual(corpus.people, ["alice", "bob"]);
    assert.equal(corpus.unreadable, 2, "one text file per person");
    assert.deepEqual(
      corpus.images.map((i) => [i.person, i.index]),
      [[0, 0], [0, 1], [0, 3], [1, 0], [1, 1], [1, 3]],
      "the unreadable file still takes position 2, as it would in native_baseline.py",
    );
    assert.ok(corpus.images.every((i) => i.image.width === 46 && i.image.height === 56));
    const split = splitCorpus(corpus, 3);
    assert.equal(split.train.length, 4, "positions 0 and 1 of each person (2 is unreadable)");
    assert.equal(split.test.length, 2, "position 3 of each person");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
