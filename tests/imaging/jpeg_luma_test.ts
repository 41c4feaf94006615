/**
 * decodeJpegLumaExact() against libjpeg: expected.json (scripts/jpeg_reference.py) holds the
 * SHA-256 of cv2.imread(path, IMREAD_GRAYSCALE) for every fixture and every dataset JPEG.
 */
import assert from "node:assert/strict";
import { decodeJpegLumaExact } from "../../lib/imaging/_jpeg_luma.ts";
import { Rng } from "../../scripts/lib/fuzz_frames.ts";
import { DATASETS_LABEL, DATASETS_URL, datasetTest } from "../_datasets.ts";
import { sha256 } from "./_data.ts";

const FIXTURES = new URL("../fixtures/jpeg/", import.meta.url);

interface Expected {
  readonly width: number;
  readonly height: number;
  readonly sha256: string;
  readonly unsupported?: boolean;
}
const EXPECTED: {
  fixtures: Record<string, Expected>;
  shared: Record<string, Expected>;
} = JSON.parse(Deno.readTextFileSync(new URL("expected.json", FIXTURES)));

const MAX_PIXELS = 50_000_000;

function fixture(name: string): Uint8Array {
  return Deno.readFileSync(new URL(name, FIXTURES));
}

/** Decodes each listed file and returns the names whose result differs from libjpeg's. */
async function mismatches(base: URL, entries: Record<string, Expected>): Promise<string[]> {
  const bad: string[] = [];
  for (const [name, want] of Object.entries(entries)) {
    const img = decodeJpegLumaExact(Deno.readFileSync(new URL(name, base)), MAX_PIXELS);
    if (want.unsupported) {
      if (img !== undefined) bad.push(`${name}: expected undefined (unsupported)`);
      continue;
    }
    if (!img) {
      bad.push(`${name}: returned undefined`);
    } else if (img.width !== want.width || img.height !== want.height) {
      bad.push(`${name}: ${img.width}x${img.height}, expected ${want.width}x${want.height}`);
    } else if (img.data.length !== img.width * img.height) {
      bad.push(`${name}: ${img.data.length} bytes for ${img.width}x${img.height}`);
    } else if (await sha256(img.data) !== want.sha256) {
      bad.push(`${name}: pixels differ from libjpeg`);
    }
  }
  return bad;
}

/** A deterministic [0, 1) stream (mulberry32), so fuzz failures reproduce. */
function prng(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

/** Offset just after the first SOS header of a JPEG. */
function scanStart(bytes: Uint8Array): number {
  let p = 2;
  while (bytes[p + 1] !== 0xda) p += 2 + ((bytes[p + 2]! << 8) | bytes[p + 3]!);
  return p + 2 + ((bytes[p + 2]! << 8) | bytes[p + 3]!);
}

function segment(marker: number, body: number[]): number[] {
  const len = body.length + 2;
  return [0xff, marker, len >> 8, len & 0xff, ...body];
}

/** A JPEG header with one SOF of the given kind and nothing decodable after it. */
function headerOnly(sof: number, precision: number, width: number, height: number): Uint8Array {
  const sofBody = [precision, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0];
  return new Uint8Array([0xff, 0xd8, ...segment(sof, sofBody), 0xff, 0xd9]);
}

Deno.test("decodeJpegLumaExact() matches libjpeg on every generated fixture", async () => {
  const names = Object.keys(EXPECTED.fixtures);
  assert.ok(names.length >= 30, `only ${names.length} fixtures in expected.json`);
  const bad = await mismatches(FIXTURES, EXPECTED.fixtures);
  const declined = names.filter((n) => EXPECTED.fixtures[n]!.unsupported).length;
  console.log(
    `fixtures: ${names.length - bad.length}/${names.length} as expected (${declined} declined)`,
  );
  assert.deepEqual(bad, []);
});

datasetTest("decodeJpegLumaExact() matches libjpeg on every dataset JPEG", async () => {
  const names = Object.keys(EXPECTED.shared);
  assert.ok(names.length > 0, "expected.json lists no dataset JPEGs");
  const bad = await mismatches(DATASETS_URL, EXPECTED.shared);
  console.log(`${DATASETS_LABEL}: ${names.length - bad.length}/${names.length} bit-exact`);
  assert.deepEqual(bad, []);
});

Deno.test("decodeJpegLumaExact() throws on a file cut inside its entropy data", () => {
  for (const name of ["baseline_420_q50.jpg", "restart_cv2_q80.jpg", "progressive_420_q75.jpg"]) {
    const bytes = fixture(name);
    const start = scanStart(bytes);
    // Every cut from the first entropy byte to just before EOI removes coded bits.
    for (let cut = start; cut < bytes.length - 2; cut += 7) {
      assert.throws(
        () => decodeJpegLumaExact(bytes.subarray(0, cut), MAX_PIXELS),
        Error,
        `${name} cut at ${cut} of ${bytes.length}`,
      );
    }
    assert.throws(() => decodeJpegLumaExact(bytes.subarray(0, bytes.length - 3), MAX_PIXELS));
  }
  assert.throws(
    () => decodeJpegLumaExact(fixture("baseline_420_q50.jpg").subarray(0, 1500), MAX_PIXELS),
    /truncated/,
  );
});

Deno.test("decodeJpegLumaExact() accepts a complete sequential file without EOI", () => {
  const bytes = fixture("baseline_420_q50.jpg");
  const full = decodeJpegLumaExact(bytes, MAX_PIXELS)!;
  const noEoi = decodeJpegLumaExact(bytes.subarray(0, bytes.length - 2), MAX_PIXELS)!;
  assert.deepEqual(noEoi.data, full.data);
  // A progressive file could have had more scans: without EOI it counts as truncated.
  const prog = fixture("progressive_420_q75.jpg");
  assert.throws(() => decodeJpegLumaExact(prog.subarray(0, prog.length - 2), MAX_PIXELS), /EOI/);
});

Deno.test("decodeJpegLumaExact() throws on garbage after SOI", () => {
  const rand = prng(7);
  for (let i = 0; i < 20; i++) {
    const bytes = new Uint8Array(2000);
    for (let j = 0; j < bytes.length; j++) bytes[j] = Math.floor(rand() * 256);
    bytes[0] = 0xff;
    bytes[1] = 0xd8;
    assert.throws(() => decodeJpegLumaExact(bytes, MAX_PIXELS), Error);
  }
  assert.throws(() => decodeJpegLumaExact(new Uint8Array([1, 2, 3]), MAX_PIXELS), /SOI/);
  assert.throws(() => decodeJpegLumaExact(new Uint8Array(0), MAX_PIXELS), /SOI/);
});

Deno.test("decodeJpegLumaExact() enforces maxPixels before allocating", () => {
  // 60000 x 60000 would need gigabytes; the header alone must be rejected.
  assert.throws(
    () => decodeJpegLumaExact(headerOnly(0xc0, 8, 60000, 60000), 1_000_000),
    /more than the limit of 1000000 pixels/,
  );
  const bytes = fixture("baseline_420_q50.jpg");
  const { width, height } = EXPECTED.fixtures["baseline_420_q50.jpg"]!;
  assert.throws(() => decodeJpegLumaExact(bytes, width * height - 1), /limit/);
  assert.equal(decodeJpegLumaExact(bytes, width * height)?.width, width);
});

Deno.test("decodeJpegLumaExact() declines codings it cannot reproduce", () => {
  for (const sof of [0xc3, 0xc5, 0xc9, 0xca, 0xcb, 0xcd]) {
    assert.equal(decodeJpegLumaExact(headerOnly(sof, 8, 16, 16), MAX_PIXELS), undefined);
  }
  assert.equal(decodeJpegLumaExact(headerOnly(0xc0, 12, 16, 16), MAX_PIXELS), undefined);
  for (const name of ["cmyk.jpg", "cjpeg_arithmetic.jpg", "cjpeg_rgb.jpg"]) {
    assert.equal(decodeJpegLumaExact(fixture(name), MAX_PIXELS), undefined, name);
  }
});

Deno.test("decodeJpegLumaExact() rejects invalid tables and markers", () => {
  // Three 1-bit codes cannot exist.
  const overfull = [0x00, 3, ...new Array(15).fill(0), 0, 1, 2];
  assert.throws(
    () => decodeJpegLumaExact(new Uint8Array([0xff, 0xd8, ...segment(0xc4, overfull)]), 1e6),
    /Huffman/,
  );
  // A DC symbol above 15 would ask for more bits than any DC difference has.
  const bigDc = [0x00, 1, ...new Array(15).fill(0), 16];
  assert.throws(
    () => decodeJpegLumaExact(new Uint8Array([0xff, 0xd8, ...segment(0xc4, bigDc)]), 1e6),
    /DC Huffman/,
  );
  const longSegment = new Uint8Array([0xff, 0xd8, 0xff, 0xdb, 0x10, 0x00, 0, 1, 2]);
  assert.throws(() => decodeJpegLumaExact(longSegment, 1e6), /length 4096 exceeds/);
  // The second restart marker relabelled: the decoder must not silently resynchronise.
  const bytes = fixture("restart_cv2_q80.jpg").slice();
  let seen = 0;
  for (let p = scanStart(bytes); p + 1 < bytes.length; p++) {
    if (bytes[p] === 0xff && bytes[p + 1]! >= 0xd0 && bytes[p + 1]! <= 0xd7 && ++seen === 2) {
      bytes[p + 1] = 0xd5;
      break;
    }
  }
  assert.equal(seen, 2);
  assert.throws(() => decodeJpegLumaExact(bytes, MAX_PIXELS), /expected RST1 marker, got 0xFFD5/);
});

Deno.test("decodeJpegLumaExact() returns or throws an Error on single-byte corruptions", () => {
  const rand = prng(20240601);
  const names = [
    "baseline_420_q50.jpg",
    "progressive_420_q75.jpg",
    "cjpeg_restart_progressive.jpg",
  ];
  let decoded = 0, threw = 0;
  for (const name of names) {
    const original = fixture(name);
    for (let i = 0; i < 200; i++) {
      const bytes = original.slice();
      const at = 2 + Math.floor(rand() * (bytes.length - 2));
      bytes[at] = bytes[at]! ^ (1 + Math.floor(rand() * 255));
      try {
        const img = decodeJpegLumaExact(bytes, MAX_PIXELS);
        if (img) assert.equal(img.data.length, img.width * img.height);
        decoded++;
      } catch (e) {
        if (!(e instanceof Error) || e instanceof RangeError || e instanceof TypeError) {
          throw new Error(`${name} byte ${at}: threw ${String(e)}`);
        }
        threw++;
      }
    }
  }
  assert.equal(decoded + threw, names.length * 200);
});
