import assert from "node:assert/strict";
import { probeImage } from "../../lib/imaging/mod.ts";
import { expectImageError, fixture, repoFixture } from "./_data.ts";
import { readHeader } from "../../lib/imaging/_header.ts";

Deno.test("probeImage() reads format and size of every supported container", () => {
  const cases: [Uint8Array, string, number, number][] = [
    [repoFixture("orl/s2/1.pgm"), "pnm", 92, 112],
    [repoFixture("bbt/bbt2.jpg"), "jpeg", 675, 469],
    [repoFixture("bbt/people/amy/amy1.png"), "png", 150, 150],
    [fixture("face_lossy.webp"), "webp", 64, 64],
    [fixture("face_lossless.webp"), "webp", 64, 64],
    [fixture("face_anim.webp"), "webp", 64, 64],
    [fixture("face_anim.gif"), "gif", 64, 64],
    [fixture("face_p3.ppm"), "pnm", 64, 64],
    [fixture("face_progressive.jpg"), "jpeg", 64, 64],
  ];
  for (const [bytes, format, width, height] of cases) {
    assert.deepEqual(probeImage(bytes), { format, width, height });
  }
});

Deno.test("probeImage() reads only the header: a PNG with no pixel data still probes", () => {
  const png = fixture("face.png").subarray(0, 24);
  assert.deepEqual(probeImage(png), { format: "png", width: 64, height: 64 });
});

Deno.test("probeImage() walks JPEG markers past large APPn segments to the SOF", () => {
  const jpg = fixture("face.jpg");
  const app = new Uint8Array(4 + 60000);
  app.set([0xff, 0xe1, (60002 >> 8) & 0xff, 60002 & 0xff]);
  const padded = new Uint8Array(jpg.length + app.length);
  padded.set(jpg.subarray(0, 2));
  padded.set(app, 2);
  padded.set(jpg.subarray(2), 2 + app.length);
  assert.deepEqual(probeImage(padded), { format: "jpeg", width: 64, height: 64 });
});

Deno.test("probeImage() throws ImageError unreadable on empty, unknown and cut headers", () => {
  for (
    const bytes of [
      new Uint8Array(0),
      new TextEncoder().encode("hello world"),
      fixture("face.png").subarray(0, 20),
      fixture("face.jpg").subarray(0, 10),
      fixture("face_lossy.webp").subarray(0, 16),
      new TextEncoder().encode("P5 64"),
    ]
  ) {
    expectImageError(() => probeImage(bytes), "unreadable");
  }
});

Deno.test("probeImage() calls a lossless (SOF3) JPEG unsupported", () => {
  const jpg = fixture("face.jpg").slice();
  const sof = jpg.findIndex((b, i) => b === 0xff && jpg[i + 1] === 0xc0);
  jpg[sof + 1] = 0xc3;
  const e = expectImageError(() => probeImage(jpg), "unsupported");
  assert.match(e.message, /SOF3/);
});

Deno.test("readHeader() guesses a JPEG's colour space as libjpeg does", () => {
  const segment = (marker: number, body: number[]) => [
    0xff,
    marker,
    (body.length + 2) >> 8,
    (body.length + 2) & 0xff,
    ...body,
  ];
  const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
  const jfif = segment(0xe0, [...ascii("JFIF"), 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
  const adobe = (transform: number) =>
    segment(0xee, [...ascii("Adobe"), 0, 100, 0, 0, 0, 0, transform]);
  const sof = (ids: number[]) =>
    segment(0xc0, [8, 0, 16, 0, 16, ids.length, ...ids.flatMap((id) => [id, 0x11, 0])]);
  const luma = (...parts: number[][]) =>
    readHeader(Uint8Array.from([0xff, 0xd8, ...parts.flat()])).jpegLuma;
  assert.equal(luma(sof([1, 2, 3])), true, "ids 1,2,3: YCbCr");
  assert.equal(luma(sof([82, 71, 66])), false, "ids R,G,B: RGB");
  assert.equal(luma(jfif, sof([82, 71, 66])), true, "JFIF wins over the ids");
  assert.equal(luma(adobe(0), sof([1, 2, 3])), false, "Adobe transform 0: RGB");
  assert.equal(luma(adobe(1), sof([82, 71, 66])), true, "Adobe transform 1: YCbCr");
  assert.equal(luma(sof([1])), true, "greyscale");
  assert.equal(luma(sof([1, 2, 3, 4])), false, "CMYK/YCCK");
});
