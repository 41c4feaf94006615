import assert from "node:assert/strict";
import { decodeGray } from "../../lib/imaging/decode.ts";
import { readPngGamma } from "../../lib/imaging/_reader_gray.ts";
import { sha256 } from "./_data.ts";

const DIR = new URL("../fixtures/reader_gray/", import.meta.url);
const expected: Record<string, { width: number; height: number; sha256: string }> = JSON.parse(
  await Deno.readTextFile(new URL("expected.json", DIR)),
);

Deno.test("decodeGray() reads colour PNGs and GIFs as cv2 (libpng) and PIL do, byte for byte", async () => {
  const names = Object.keys(expected);
  assert.ok(
    names.length >= 9,
    `expected the 9 fixtures of scripts/gray_reference.py, got ${names.length}`,
  );
  for (const name of names) {
    const want = expected[name]!;
    const gray = decodeGray(await Deno.readFile(new URL(name, DIR)));
    assert.deepEqual([gray.width, gray.height], [want.width, want.height], name);
    assert.equal(
      await sha256(gray.data),
      want.sha256,
      `${name}: grey differs from the native reader's`,
    );
  }
});

Deno.test("readPngGamma() finds gAMA and sRGB before the image data", async () => {
  const gamma = async (name: string) => readPngGamma(await Deno.readFile(new URL(name, DIR)));
  assert.equal(await gamma("gamma_045.png"), 45455);
  assert.equal(await gamma("gamma_07.png"), 70000);
  assert.equal(await gamma("srgb.png"), 45455);
  assert.equal(await gamma("rgb.png"), undefined);
  assert.equal(readPngGamma(new Uint8Array(10)), undefined, "a stub ends the search quietly");
});
