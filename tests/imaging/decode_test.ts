import assert from "node:assert/strict";
import {
  decodeGray,
  decodeImage,
  DEFAULT_DECODE_LIMITS,
  ImageError,
} from "../../lib/imaging/mod.ts";
import {
  expectImageError,
  fixture,
  maxDiff,
  meanDiff,
  pseudoRandomBytes,
  repoFixture,
  rgbOf,
  SHARED,
  shared,
} from "./_data.ts";
import { datasetTest } from "../_datasets.ts";

/** A PNG signature plus an IHDR declaring `w` x `h` RGB, and nothing else. */
function pngHeader(w: number, h: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  new DataView(b.buffer).setUint32(16, w);
  new DataView(b.buffer).setUint32(20, h);
  b.set([8, 2, 0, 0, 0], 24);
  return b;
}

/** SOI, a JFIF APP0 and a baseline SOF0 declaring `w` x `h` YCbCr, then EOI. */
function jpegHeader(w: number, h: number): Uint8Array {
  return new Uint8Array([
    0xff,
    0xd8,
    0xff,
    0xe0,
    0,
    16,
    0x4a,
    0x46,
    0x49,
    0x46,
    0,
    1,
    1,
    0,
    0,
    1,
    0,
    1,
    0,
    0,
    0xff,
    0xc0,
    0,
    17,
    8,
    h >> 8,
    h & 0xff,
    w >> 8,
    w & 0xff,
    3,
    1,
    0x22,
    0,
    2,
    0x11,
    1,
    3,
    0x11,
    1,
    0xff,
    0xd9,
  ]); // deno-fmt-ignore
}

Deno.test("decodeImage() refuses a PNG claiming 100000x100000 from its header", () => {
  const e = expectImageError(() => decodeImage(pngHeader(100000, 100000)), "too_large");
  assert.match(e.message, /100000x100000/);
  assert.match(e.message, /8192x8192/);
});

Deno.test("decodeImage() refuses a JPEG claiming 65535x65535 (the JPEG maximum) from its header", () => {
  expectImageError(() => decodeImage(jpegHeader(65535, 65535)), "too_large");
  // The same header at a small size gets past the limits and fails in the decoder instead:
  // proof that the size check, not decoding, refused the big one.
  expectImageError(() => decodeImage(jpegHeader(64, 64)), "unreadable");
});

Deno.test("decodeImage() applies caller limits on width, height and pixel count", () => {
  const png = fixture("face.png");
  expectImageError(() => decodeImage(png, { maxWidth: 63 }), "too_large");
  expectImageError(() => decodeImage(png, { maxHeight: 63 }), "too_large");
  expectImageError(() => decodeImage(png, { maxPixels: 64 * 64 - 1 }), "too_large");
  expectImageError(() => decodeGray(png, { maxPixels: 100 }), "too_large");
  assert.equal(decodeImage(png, { maxPixels: 64 * 64 }).width, 64);
  assert.throws(() => decodeImage(png, { maxWidth: 0 }), RangeError);
  assert.deepEqual(DEFAULT_DECODE_LIMITS, { maxWidth: 8192, maxHeight: 8192, maxPixels: 40e6 });
});

Deno.test("decodeImage() throws ImageError unreadable on zero bytes", () => {
  expectImageError(() => decodeImage(new Uint8Array(0)), "unreadable");
  expectImageError(() => decodeGray(new Uint8Array(0)), "unreadable");
});

Deno.test("decodeImage() throws ImageError unreadable on a truncated JPEG", () => {
  const jpg = repoFixture("bbt/bbt2.jpg");
  for (const cut of [0.1, 0.5, 0.9, 0.999]) {
    const part = jpg.subarray(0, Math.floor(jpg.length * cut));
    expectImageError(() => decodeImage(part), "unreadable");
    expectImageError(() => decodeGray(part), "unreadable");
  }
});

Deno.test("decodeImage() throws ImageError unreadable on every fixture cut in half", () => {
  for (const name of [...Deno.readDirSync(new URL("../fixtures/images/", import.meta.url))]) {
    if (!/\.(png|jpg|webp|gif|pgm|ppm)$/.test(name.name)) continue;
    const bytes = fixture(name.name);
    const half = bytes.subarray(0, bytes.length >> 1);
    const e = expectImageError(
      () => decodeImage(half),
      name.name === "face_anim.webp" ? "unsupported" : "unreadable",
    );
    assert.ok(e.message.length > 0, name.name);
  }
});

Deno.test("decodeImage() throws only ImageError, quickly, on random bytes and random bodies", () => {
  const prefixes = [
    [],
    [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
    [0xff, 0xd8, 0xff],
    [0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 16, 0, 16, 0],
    [0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x45, 0x42, 0x50],
    [0x50, 0x35, 0x0a, 0x31, 0x36, 0x20, 0x31, 0x36, 0x0a, 0x32, 0x35, 0x35, 0x0a],
  ];
  const started = performance.now();
  for (let seed = 1; seed <= 40; seed++) {
    for (const prefix of prefixes) {
      const body = pseudoRandomBytes(2000, seed);
      const bytes = new Uint8Array([...prefix, ...body]);
      try {
        decodeImage(bytes, { maxPixels: 1e6 });
        // A P5 header followed by 256 random bytes is a valid 16x16 greymap.
        assert.equal(prefix[0], 0x50);
      } catch (e) {
        assert.ok(e instanceof ImageError, `seed ${seed}: got ${e}`);
      }
    }
  }
  assert.ok(performance.now() - started < 10_000, "random inputs took over 10 s");
});

Deno.test("decodeImage() decodes PNG variants exactly like PIL", () => {
  const original = fixture("face.rgb");
  const png = decodeImage(fixture("face.png"));
  assert.equal(png.format, "png");
  assert.deepEqual(rgbOf(png.data), original);
  assert.deepEqual(
    rgbOf(decodeImage(fixture("face_palette.png")).data),
    fixture("face_palette.png.rgb"),
  );
  const la = decodeImage(fixture("face_la.png"));
  assert.equal(la.data[3], 128);
  assert.equal(la.data[0], la.data[1]);
  assert.deepEqual(decodeGray(fixture("face16.png")).data, fixture("face16.png.gray"));
});

Deno.test("decodeImage() decodes JPEG (baseline, progressive) close to PIL/libjpeg", () => {
  for (const name of ["face.jpg", "face_progressive.jpg"]) {
    const img = decodeImage(fixture(name));
    assert.equal(img.format, "jpeg");
    const ref = fixture(`${name}.rgb`);
    const rgb = rgbOf(img.data);
    // jpeg-js upsamples chroma by replication where libjpeg interpolates ("fancy"
    // upsampling), and rounds its IDCT differently; colour edges differ most.
    console.log(`${name}: mean |diff| ${meanDiff(rgb, ref).toFixed(2)}, max ${maxDiff(rgb, ref)}`);
    assert.ok(meanDiff(rgb, ref) < 3, `${name}: mean diff ${meanDiff(rgb, ref)}`);
    assert.ok(maxDiff(rgb, ref) <= 40, `${name}: max diff ${maxDiff(rgb, ref)}`);
  }
});

Deno.test("decodeGray() reads JPEG luma exactly as cv2.imread(IMREAD_GRAYSCALE)", () => {
  for (const name of ["face.jpg", "face_progressive.jpg"]) {
    assert.deepEqual(decodeGray(fixture(name)).data, fixture(`${name}.gray`), name);
  }
});

Deno.test("decodeImage() decodes lossless WebP exactly and lossy WebP like PIL's libwebp", () => {
  const lossless = decodeImage(fixture("face_lossless.webp"));
  assert.equal(lossless.format, "webp");
  assert.deepEqual(rgbOf(lossless.data), fixture("face.rgb"));
  const lossy = rgbOf(decodeImage(fixture("face_lossy.webp")).data);
  assert.ok(maxDiff(lossy, fixture("face_lossy.webp.rgb")) <= 2);
});

Deno.test("decodeImage() refuses an animated WebP as unsupported", () => {
  expectImageError(() => decodeImage(fixture("face_anim.webp")), "unsupported");
});

Deno.test("decodeImage() decodes the first frame of an animated GIF", () => {
  const gif = decodeImage(fixture("face_anim.gif"));
  assert.equal(gif.format, "gif");
  assert.deepEqual(rgbOf(gif.data), fixture("face_anim.gif.rgb"));
});

Deno.test("decodeImage() decodes binary and ASCII PPM exactly", () => {
  const original = fixture("face.rgb");
  for (const name of ["face_p6.ppm", "face_p3.ppm"]) {
    const img = decodeImage(fixture(name));
    assert.equal(img.format, "pnm");
    assert.deepEqual(rgbOf(img.data), original, name);
  }
});

Deno.test("decodeGray() brings 16-bit and maxval-15 greymaps to 8 bits as cv2.imread does", () => {
  for (const name of ["face16_p5.pgm", "face_p2.pgm", "face15_p5.pgm"]) {
    assert.deepEqual(decodeGray(fixture(name)).data, fixture(`${name}.gray`), name);
  }
  const rgba = decodeImage(fixture("face_p2.pgm"));
  assert.equal(rgba.data[0], rgba.data[2]);
});

Deno.test("decodeGray() reads ORL greymaps byte for byte", () => {
  const bytes = repoFixture("orl/s2/1.pgm");
  const g = decodeGray(bytes);
  assert.equal(g.width * g.height, 92 * 112);
  assert.deepEqual(g.data, bytes.subarray(bytes.length - 92 * 112));
});

datasetTest("decodeImage() decodes every real dataset image it is given", () => {
  const dirs = ["lfw10/Colin_Powell", "bbt/people/sheldon", "bbt/group", "detection/no_face"];
  let count = 0;
  for (const dir of dirs) {
    for (
      const e of Deno.readDirSync(new URL(dir + "/", SHARED))
    ) {
      if (!/\.(jpg|png)$/.test(e.name)) continue;
      const img = decodeImage(shared(`${dir}/${e.name}`));
      assert.equal(img.data.length, img.width * img.height * 4);
      count++;
    }
  }
  assert.ok(count > 20, `decoded ${count} images`);
});
