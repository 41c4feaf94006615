import assert from "node:assert/strict";
import { decodeBmpGray, decodeBmpRgba, readBmpHeader } from "../../lib/imaging/_bmp.ts";
import { decodeTiffGray, decodeTiffRgba, readTiffHeader } from "../../lib/imaging/_tiff.ts";
import { ImageError } from "../../lib/imaging/errors.ts";
import { decodeGray } from "../../lib/imaging/decode.ts";
import { random } from "../recognition/_synthetic.ts";
import type { GrayImage, RgbaImage } from "../../lib/imaging/image.ts";
import { expectImageError, sha256 } from "./_data.ts";
import { deflateSync } from "node:zlib";

const DIR = new URL("../fixtures/bmp_tiff/", import.meta.url);
const expected: Record<string, { width: number; height: number; sha256: string }> = JSON.parse(
  await Deno.readTextFile(new URL("expected.json", DIR)),
);
const names = Object.keys(expected);
const files = new Map(
  await Promise.all(names.map(async (n) => [n, await Deno.readFile(new URL(n, DIR))] as const)),
);
const load = (name: string): Uint8Array => files.get(name)!.slice();
const isBmp = (name: string) => name.endsWith(".bmp");

const gray = (name: string, b: Uint8Array): GrayImage =>
  isBmp(name) ? decodeBmpGray(b) : decodeTiffGray(b);
const rgba = (name: string, b: Uint8Array): RgbaImage =>
  isBmp(name) ? decodeBmpRgba(b) : decodeTiffRgba(b);
const header = (name: string, b: Uint8Array) => isBmp(name) ? readBmpHeader(b) : readTiffHeader(b);

/** OpenCV imgcodecs' 14-bit RGB-to-grey, which its BMP and TIFF readers use. */
const cvGray = (r: number, g: number, b: number) => (r * 4899 + g * 9617 + b * 1868 + 8192) >> 14;

/** Fixtures whose alpha channel is real (a left-to-right ramp from 0 to 255). */
const WITH_ALPHA = new Set(["bmp32_v5_alpha.bmp", "tiff_rgba_pil.tif", "tiff_gray_alpha_pil.tif"]);

Deno.test("decodeBmpGray() and decodeTiffGray() read every fixture as cv2.imread(IMREAD_GRAYSCALE) does", async () => {
  assert.ok(
    names.length >= 47,
    `expected the 47 fixtures of scripts/bmp_tiff_reference.py, got ${names.length}`,
  );
  assert.ok(names.filter(isBmp).length >= 20, "expected at least 20 BMP variants");
  const mismatched: string[] = [];
  for (const name of names) {
    const want = expected[name]!;
    const img = gray(name, load(name));
    assert.deepEqual([img.width, img.height], [want.width, want.height], name);
    assert.equal(img.data.length, img.width * img.height, name);
    if (await sha256(img.data) !== want.sha256) mismatched.push(name);
    const viaDecodeGray = decodeGray(load(name));
    if (await sha256(viaDecodeGray.data) !== want.sha256) mismatched.push(`${name} (decodeGray)`);
  }
  assert.deepEqual(mismatched, [], "grey differs from cv2's for these fixtures");
});

Deno.test("decodeBmpGray() and decodeTiffGray() accept a view into a larger buffer", async () => {
  for (const name of ["bmp16_565.bmp", "bmp_rle8_delta.bmp", "tiff_rgb_packbits.tif"]) {
    const bytes = load(name);
    const padded = new Uint8Array(bytes.length + 7);
    padded.set(bytes, 3);
    const view = padded.subarray(3, 3 + bytes.length);
    assert.equal(await sha256(gray(name, view).data), expected[name]!.sha256, name);
  }
});

Deno.test("decodeBmpRgba() and decodeTiffRgba() give the decoded size, opaque unless the file has alpha", () => {
  for (const name of names) {
    const img = rgba(name, load(name));
    const want = expected[name]!;
    assert.deepEqual([img.width, img.height], [want.width, want.height], name);
    assert.equal(img.data.length, img.width * img.height * 4, name);
    const alpha = img.data.filter((_, i) => i % 4 === 3);
    if (WITH_ALPHA.has(name)) {
      assert.equal(Math.min(...alpha), 0, `${name}: alpha ramp starts at 0`);
      assert.equal(Math.max(...alpha), 255, `${name}: alpha ramp ends at 255`);
    } else {
      assert.ok(alpha.every((a) => a === 255), `${name}: expected opaque alpha`);
    }
  }
});

Deno.test("decodeBmpRgba() and decodeTiffRgba() hold the colours the grey was made from", () => {
  for (const name of names) {
    const g = gray(name, load(name)).data;
    const c = rgba(name, load(name)).data;
    // OpenCV reads 32-bit BMP bytes as B, G, R whatever the masks say; RGBA honours them.
    const swapped = name === "bmp32_rgba_masks.bmp";
    for (let i = 0; i < g.length; i++) {
      const [r, gg, b] = [c[i * 4]!, c[i * 4 + 1]!, c[i * 4 + 2]!];
      const want = swapped ? cvGray(b, gg, r) : cvGray(r, gg, b);
      if (g[i] !== want) assert.fail(`${name}: pixel ${i} grey ${g[i]}, RGBA gives ${want}`);
    }
  }
});

Deno.test("readBmpHeader() and readTiffHeader() give the stored size from the headers alone", () => {
  for (const name of names) {
    const want = expected[name]!;
    // Orientation 6 turns the stored 61x48 upright, to 48x61.
    const stored = name === "tiff_orientation6.tif"
      ? { width: want.height, height: want.width }
      : { width: want.width, height: want.height };
    assert.deepEqual(header(name, load(name)), stored, name);
  }
  // Headers with the pixels cut off: the size is there, the decoders refuse the rest.
  const bmp = load("bmp24_cv2.bmp").subarray(0, 54);
  assert.deepEqual(readBmpHeader(bmp), { width: 61, height: 48 });
  expectImageError(() => decodeBmpGray(bmp), "unreadable");
  const full = load("tiff_miniswhite.tif");
  const tif = full.subarray(0, full.length - 61 * 48);
  assert.deepEqual(readTiffHeader(tif), { width: 61, height: 48 });
  expectImageError(() => decodeTiffGray(tif), "unreadable");
  // A top-down BMP (negative height) reports its height positive.
  assert.deepEqual(readBmpHeader(load("bmp24_topdown.bmp")), { width: 61, height: 48 });
});

Deno.test("readBmpHeader() and readTiffHeader() report an over-large declared size without allocating it", () => {
  const bmp = load("bmp24_cv2.bmp").subarray(0, 54);
  new DataView(bmp.buffer, bmp.byteOffset).setInt32(18, 100000, true);
  new DataView(bmp.buffer, bmp.byteOffset).setInt32(22, -100000, true);
  const started = performance.now();
  assert.deepEqual(readBmpHeader(bmp), { width: 100000, height: 100000 });
  // Allocating 10 gigapixels would fail or take seconds; the bound allows a loaded machine.
  assert.ok(performance.now() - started < 1000, "the header reader must not touch pixels");
  expectImageError(() => decodeBmpGray(bmp), "unreadable"); // no pixel data: refused first
  const tif = load("tiff_orientation6.tif"); // little-endian, LONG width and length
  const ifd = new DataView(tif.buffer, tif.byteOffset).getUint32(4, true);
  const view = new DataView(tif.buffer, tif.byteOffset);
  for (let i = 0, n = view.getUint16(ifd, true); i < n; i++) {
    const entry = ifd + 2 + i * 12;
    const tag = view.getUint16(entry, true);
    if (tag === 256 || tag === 257) view.setUint32(entry + 8, 100000, true);
  }
  assert.deepEqual(readTiffHeader(tif), { width: 100000, height: 100000 });
  assert.throws(() => decodeTiffGray(tif), ImageError);
});

Deno.test("decodeBmpGray() and decodeTiffGray() refuse truncated files and garbage as unreadable", () => {
  for (const name of names) {
    const bytes = load(name);
    // Cuts inside the headers, and one that keeps less than a third of the file (so the
    // first page of the multi-page TIFF is cut too).
    for (const cut of [0, 1, 7, 13, 40, Math.floor(bytes.length * 0.3)]) {
      const part = bytes.subarray(0, cut);
      const e = expectImageError(() => gray(name, part), "unreadable");
      assert.match(e.message, /./, `${name} cut at ${cut}`);
      expectImageError(() => rgba(name, part), "unreadable");
    }
  }
  const text = new TextEncoder().encode("this is not an image at all, just some text");
  const garbage = [
    new Uint8Array(0),
    text,
    new Uint8Array([0x42, 0x4d]),
    new Uint8Array([0x42, 0x4d, ...new Uint8Array(100)]),
    new Uint8Array([0x42, 0x4d, ...new Uint8Array(12), 40, 0, 0, 0, ...new Uint8Array(50)]),
  ];
  for (const b of garbage) {
    expectImageError(() => readBmpHeader(b), "unreadable");
    expectImageError(() => decodeBmpGray(b), "unreadable");
    expectImageError(() => decodeBmpRgba(b), "unreadable");
  }
  const tiffGarbage = [
    new Uint8Array(0),
    text,
    new Uint8Array([0x49, 0x49, 42, 0, 0xff, 0xff, 0xff, 0xff]), // IFD past the end
    new Uint8Array([0x4d, 0x4d, 0, 42, 0, 0, 0, 0]), // IFD at 0
    new Uint8Array([0x4d, 0x4d, 0, 42, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0]), // no entries
    new Uint8Array([0x49, 0x49, 42, 0, 8, 0, 0, 0, 0xff, 0x7f]), // 32767 entries, 10 bytes
  ];
  for (const b of tiffGarbage) {
    expectImageError(() => readTiffHeader(b), "unreadable");
    expectImageError(() => decodeTiffGray(b), "unreadable");
    expectImageError(() => decodeTiffRgba(b), "unreadable");
  }
});

Deno.test("decodeBmpGray() and decodeTiffGray() refuse variants they do not decode as unsupported", () => {
  const jpegBmp = load("bmp24_cv2.bmp");
  new DataView(jpegBmp.buffer).setUint32(30, 4, true); // BI_JPEG
  assert.match(expectImageError(() => readBmpHeader(jpegBmp), "unsupported").message, /JPEG/);
  const pngBmp = load("bmp24_cv2.bmp");
  new DataView(pngBmp.buffer).setUint32(30, 5, true); // BI_PNG
  expectImageError(() => decodeBmpGray(pngBmp), "unsupported");
  const setTiffTag = (bytes: Uint8Array, tag: number, value: number) => {
    const view = new DataView(bytes.buffer);
    const ifd = view.getUint32(4, true);
    for (let i = 0, n = view.getUint16(ifd, true); i < n; i++) {
      const entry = ifd + 2 + i * 12;
      if (view.getUint16(entry, true) === tag) return view.setUint16(entry + 8, value, true);
    }
    throw new Error(`no tag ${tag}`);
  };
  const jpegTiff = load("tiff_miniswhite.tif");
  setTiffTag(jpegTiff, 259, 7); // JPEG compression
  assert.match(expectImageError(() => decodeTiffGray(jpegTiff), "unsupported").message, /JPEG/);
  const ycbcr = load("tiff_miniswhite.tif");
  setTiffTag(ycbcr, 262, 6);
  expectImageError(() => decodeTiffGray(ycbcr), "unsupported");
  const big = load("tiff_miniswhite.tif");
  big[2] = 43; // BigTIFF
  expectImageError(() => readTiffHeader(big), "unsupported");
});

/**
 * A tiny LZW-compressed 8x1 TIFF whose codes (9-bit, MSB first) are `codes`. UTIF's own LZW
 * decoder would loop for ever on a code that names itself as its prefix.
 */
function lzwTiff(codes: number[]): Uint8Array {
  const strip: number[] = [];
  let acc = 0, bits = 0;
  for (const c of codes) {
    acc = (acc << 9) | c;
    bits += 9;
    while (bits >= 8) {
      strip.push((acc >> (bits - 8)) & 0xff);
      bits -= 8;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) strip.push((acc << (8 - bits)) & 0xff);
  return oneStripTiff(Uint8Array.from(strip), 5);
}

/** An 8x1 little-endian greyscale TIFF whose one strip is `strip`, compressed as `compression`. */
function oneStripTiff(strip: Uint8Array, compression: number): Uint8Array {
  const tags = [[256, 8], [257, 1], [258, 8], [259, compression], [262, 1], [273, 0], [277, 1], [
    278,
    1,
  ], [279, strip.length]];
  const ifdSize = 2 + tags.length * 12 + 4;
  const out = new Uint8Array(8 + ifdSize + strip.length);
  const view = new DataView(out.buffer);
  out.set([0x49, 0x49, 42, 0, 8]);
  view.setUint16(8, tags.length, true);
  tags.forEach(([tag, value], i) => {
    view.setUint16(10 + i * 12, tag!, true);
    view.setUint16(12 + i * 12, 4, true); // LONG
    view.setUint32(14 + i * 12, 1, true);
    view.setUint32(18 + i * 12, tag === 273 ? 8 + ifdSize : value!, true);
  });
  out.set(strip, 8 + ifdSize);
  return out;
}

Deno.test("decodeTiffGray() refuses a Deflate strip that inflates far past its rows (a bomb)", () => {
  // 8 pixels declared, 64 MiB of zeros in the strip.
  const bomb = oneStripTiff(new Uint8Array(deflateSync(new Uint8Array(64 * 2 ** 20))), 8);
  const started = performance.now();
  expectImageError(() => decodeTiffGray(bomb), "unreadable");
  assert.ok(performance.now() - started < 1000, "stopped at the cap, not after inflating it all");
  const fine = oneStripTiff(new Uint8Array(deflateSync(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8))), 8);
  assert.deepEqual([...decodeTiffGray(fine).data], [1, 2, 3, 4, 5, 6, 7, 8]);
});

Deno.test("decodeTiffGray() refuses LZW codes that are not yet defined instead of looping", () => {
  // Clear, 'A', then 258 (defined just in time), 260 (one too far), 260.
  const e = expectImageError(
    () => decodeTiffGray(lzwTiff([256, 65, 258, 260, 260, 257])),
    "unreadable",
  );
  assert.match(e.message, /LZW code 260/);
  // Valid codes decode: A, then AA (258, defined by its own use), AA again, A, A, A.
  const ok = decodeTiffGray(lzwTiff([256, 65, 258, 258, 65, 65, 65, 257]));
  assert.deepEqual([...ok.data], [65, 65, 65, 65, 65, 65, 65, 65]);
  expectImageError(() => decodeTiffGray(lzwTiff([256, 65, 257])), "unreadable"); // 1 of 8 bytes
});

/** xorshift32, so that the fuzz cases are the same on every run. */
const prng = random;

/**
 * Flips 1-4 bytes of each source `perFile` times (half the flips in the first or last 300
 * bytes, where headers, IFDs and palettes live) and decodes the result the way the service
 * would: header first, pixels only when the declared size is sane.
 */
function fuzz(sources: string[], perFile: number, seed: number) {
  const random = prng(seed);
  const outcomes: Record<string, number> = {};
  let slowest = 0;
  for (const name of sources) {
    const original = load(name);
    for (let k = 0; k < perFile; k++) {
      const b = original.slice();
      for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) {
        const r = random(), span = Math.min(b.length, 300);
        const at = r < 0.35
          ? Math.floor(random() * span)
          : r < 0.5
          ? b.length - 1 - Math.floor(random() * span)
          : Math.floor(random() * b.length);
        b[at] = random() < 0.5
          ? Math.floor(random() * 256)
          : b[at]! ^ (1 << Math.floor(random() * 8));
      }
      const started = performance.now();
      let outcome = "decoded";
      try {
        const { width, height } = header(name, b);
        if (width * height > 4e6) outcome = "too large for the service";
        else {
          gray(name, b);
          rgba(name, b);
        }
      } catch (e) {
        if (!(e instanceof ImageError)) {
          assert.fail(`${name} mutation ${k}: expected an ImageError, got ${e}`);
        }
        outcome = e.code;
      }
      slowest = Math.max(slowest, performance.now() - started);
      outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    }
  }
  assert.ok(slowest < 3000, `slowest mutation took ${slowest.toFixed(0)} ms`);
  assert.ok(
    (outcomes.decoded ?? 0) > 0 && (outcomes.unreadable ?? 0) > 0,
    JSON.stringify(outcomes),
  );
  return outcomes;
}

Deno.test("decodeBmpGray() only ever decodes or throws ImageError on 200 byte-flipped BMPs", () => {
  fuzz(
    ["bmp24_cv2.bmp", "bmp_rle8_delta.bmp", "bmp_rle4.bmp", "bmp16_565.bmp", "bmp8_core.bmp"],
    40,
    0xb3b,
  );
});

Deno.test("decodeTiffGray() only ever decodes or throws ImageError on 200 byte-flipped TIFFs", () => {
  fuzz(
    [
      "tiff_rgb_lzw.tif",
      "tiff_gray_packbits.tif",
      "tiff_rgb_strips_be.tif",
      "tiff_rgb_tiled.tif",
      "tiff_rgb_planar.tif",
    ],
    40,
    0x71ff,
  );
});
