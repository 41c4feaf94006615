/**
 * Colour JPEGs decode as native OpenCV's cv2.imread does: references from
 * scripts/jpeg_rgb_reference.py (OpenCV 4.6, libjpeg-turbo) in
 * tests/fixtures/jpeg/expected_rgb.json.
 * @module
 */
import assert from "node:assert/strict";
import { decodeImage } from "../../lib/imaging/decode.ts";
import { ImageError } from "../../lib/imaging/errors.ts";
import { sha256 } from "./_data.ts";

const DIR = new URL("../fixtures/jpeg/", import.meta.url);
const expected = JSON.parse(Deno.readTextFileSync(new URL("expected_rgb.json", DIR))) as {
  fixtures: Record<string, { width: number; height: number; sha256: string }>;
};

/**
 * Not bit-exact, each for a reason of its own: libjpeg-turbo's merged 4:4:0 and mixed
 * upsamplers and its block smoothing of an incomplete progressive file differ from mozjpeg's
 * by a few levels; CMYK goes through jpeg-js (libjpeg cannot convert it to RGBA) and cv2's
 * own CMYK conversion rounds differently; the hostile files carry quantisers no encoder makes
 * (any output is as good as another).
 */
const CLOSE: Readonly<Record<string, number>> = {
  "cjpeg_440_q75.jpg": 2,
  "cjpeg_mixed_q75.jpg": 2,
  "cjpeg_incomplete_progressive.jpg": 5,
  "cmyk.jpg": 2,
};
const ANY = /^hostile_/;
/** Arithmetic coding (SOF9): refused by the header check as cv2 on other builds would. */
const UNSUPPORTED = new Set(["cjpeg_arithmetic.jpg"]);

function rgb(data: Uint8Array): Uint8Array {
  const out = new Uint8Array((data.length / 4) * 3);
  for (let i = 0, j = 0; i < data.length; i += 4, j += 3) out.set(data.subarray(i, i + 3), j);
  return out;
}

Deno.test("decodeImage() gives cv2.imread's exact RGB for colour and grey JPEGs", async () => {
  let exact = 0;
  for (const [name, ref] of Object.entries(expected.fixtures)) {
    if (name in CLOSE || ANY.test(name) || UNSUPPORTED.has(name)) continue;
    const image = decodeImage(Deno.readFileSync(new URL(name, DIR)));
    assert.deepEqual([image.width, image.height], [ref.width, ref.height], name);
    assert.equal(await sha256(rgb(image.data)), ref.sha256, name);
    exact++;
  }
  assert.ok(exact >= 29, `${exact} fixtures compared exactly`);
});

Deno.test("decodeImage() decodes the JPEGs it cannot match exactly at the right size", () => {
  for (const [name, ref] of Object.entries(expected.fixtures)) {
    if (!(name in CLOSE) && !ANY.test(name)) continue;
    const image = decodeImage(Deno.readFileSync(new URL(name, DIR)));
    assert.deepEqual([image.width, image.height], [ref.width, ref.height], name);
  }
});

Deno.test("decodeImage() refuses arithmetic-coded JPEGs as unsupported", () => {
  for (const name of UNSUPPORTED) {
    assert.throws(
      () => decodeImage(Deno.readFileSync(new URL(name, DIR))),
      (e: unknown) => e instanceof ImageError && e.code === "unsupported",
    );
  }
});
