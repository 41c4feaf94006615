import assert from "node:assert/strict";
import {
  crc32,
  EigenfacesRecognizer,
  LbphRecognizer,
  loadRecognizer,
  ModelFileError,
} from "../../lib/recognition/mod.ts";
import { syntheticSet } from "./_synthetic.ts";

function model(): Uint8Array {
  const r = new EigenfacesRecognizer();
  const { images, labels } = syntheticSet(2, 3);
  r.train(images, labels);
  return r.save();
}

/** Rewrites the checksum so that only the intended field is wrong. */
function resealed(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

Deno.test("crc32() is the IEEE CRC-32", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
});

Deno.test("save() writes magic, version, algorithm id and dimensions in the header", () => {
  const bytes = model();
  const view = new DataView(bytes.buffer);
  assert.equal(new TextDecoder().decode(bytes.subarray(0, 4)), "FRCM");
  assert.equal(view.getUint16(4, true), 2);
  assert.equal(bytes[6], 1); // eigen
  assert.deepEqual([view.getUint32(8, true), view.getUint32(12, true)], [24, 28]);
  assert.equal(view.getUint32(16, true), 6); // samples
  assert.equal(view.getUint32(20, true), 5); // components
  assert.equal(view.getUint32(24, true), bytes.length - 36);
  assert.equal(view.getUint32(bytes.length - 4, true), crc32(bytes.subarray(0, -4)));
});

Deno.test("loadRecognizer() names what is wrong with a bad file", () => {
  const bytes = model();
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array(3), /expected magic "FRCM"/],
    [bytes.subarray(0, 20), /expected at least 36 bytes, got 20/],
    [bytes.subarray(0, bytes.length - 8), /length: expected \d+ bytes from its header/],
    [resealed(Object.assign(bytes.slice(), { 4: 3 })), /version: expected 1 to 2, got 3/],
    [resealed(Object.assign(bytes.slice(), { 4: 0 })), /version: expected 1 to 2, got 0/],
    [resealed(Object.assign(bytes.slice(), { 6: 9 })), /algorithm id .*expected 1 to 4, got 9/],
    [Object.assign(bytes.slice(), { 40: bytes[40]! ^ 1 }), /checksum mismatch: expected 0x/],
  ];
  for (const [input, message] of cases) {
    assert.throws(() => loadRecognizer(input), (e: unknown) => {
      assert.ok(e instanceof ModelFileError, String(e));
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("loadRecognizer() rejects a header whose sizes disagree with the body", () => {
  const bytes = model();
  const lying = bytes.slice();
  new DataView(lying.buffer).setUint32(16, 7, true); // claims 7 samples
  assert.throws(() => loadRecognizer(resealed(lying)), {
    name: "ModelFileError",
    message: /eigen model body: expected \d+ bytes for 7 samples of 24x28/,
  });
});

Deno.test("LBPH models store sparse histograms compactly", () => {
  const r = new LbphRecognizer();
  const { images, labels } = syntheticSet(2, 3);
  r.train(images, labels);
  const bytes = r.save();
  assert.ok(bytes.length < 6 * 16384, `expected far below dense size, got ${bytes.length}`);
});

/** The same model as format version 1 wrote it: no sampledComponents in the body. */
function asVersion1(v2: Uint8Array): Uint8Array {
  const body = 32, dropped = body + 8; // after numComponents and maxBasisSamples
  const v1 = new Uint8Array(v2.length - 4);
  v1.set(v2.subarray(0, dropped));
  v1.set(v2.subarray(dropped + 4), dropped);
  const view = new DataView(v1.buffer);
  view.setUint16(4, 1, true);
  view.setUint32(24, view.getUint32(24, true) - 4, true);
  return resealed(v1);
}

Deno.test("save() keeps sampledComponents; version 1 files still load, with the default", () => {
  const { images, labels } = syntheticSet(2, 3);
  const r = new EigenfacesRecognizer({ sampledComponents: 77, maxBasisSamples: 900 });
  r.train(images, labels);
  const bytes = r.save();
  const back = EigenfacesRecognizer.load(bytes);
  assert.deepEqual(back.options, { numComponents: 0, maxBasisSamples: 900, sampledComponents: 77 });

  const old = EigenfacesRecognizer.load(asVersion1(bytes));
  assert.deepEqual(old.options, { numComponents: 0, maxBasisSamples: 900, sampledComponents: 200 });
  for (const image of images) assert.deepEqual(old.predict(image), back.predict(image));
});
