import assert from "node:assert/strict";
import { Gallery, GalleryError, normalizeName } from "../../lib/gallery/mod.ts";

/** The ORL faces this repository ships (subjects s2..s7 and s40, images 1-7). */
const ORL = new URL("../../fixtures/orl/", import.meta.url);

/** ORL faces are binary PGM with a fixed 92x112 header; the pixels are the last bytes. */
async function orlFace(person: number, index: number) {
  const bytes = await Deno.readFile(new URL(`s${person}/${index}.pgm`, ORL));
  return { width: 92, height: 112, pixels: bytes.slice(bytes.length - 92 * 112) };
}

async function tempDb(): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "facerec-gallery-" });
  return {
    path: `${dir}/gallery.db`,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("Gallery.addFaces() stores real face crops durably across reopen", async () => {
  await using tmp = await tempDb();
  const faces = await Promise.all([1, 2, 3].map((i) => orlFace(7, i)));
  {
    using gallery = Gallery.open(tmp.path);
    const result = gallery.addFaces("Person One", faces);
    assert.equal(result.stored, 3);
    assert.equal(result.personFaces, 3);
    assert.equal(result.generation, 1);
    gallery.addFaces("Person Two", [await orlFace(2, 1)]);
  }
  using reopened = Gallery.open(tmp.path);
  assert.deepEqual(reopened.listPeople(), [{ name: "Person One", faces: 3 }, {
    name: "Person Two",
    faces: 1,
  }]);
  const stored = reopened.faces();
  assert.equal(stored.length, 4);
  assert.deepEqual(stored[0]?.pixels, faces[0]?.pixels);
  assert.equal(reopened.generation(), 2);
  assert.deepEqual(reopened.counts(), { people: 2, faces: 4 });
});

Deno.test("Gallery.faces() returns only faces after a given id, for incremental training", async () => {
  using gallery = Gallery.open(":memory:");
  gallery.addFaces("a", [await orlFace(3, 1), await orlFace(3, 2)]);
  const last = gallery.lastFaceId();
  gallery.addFaces("b", [await orlFace(4, 1)]);
  const newer = gallery.faces(last);
  assert.equal(newer.length, 1);
  assert.deepEqual(gallery.faces(0, last).map((f) => f.id), [1, 2]);
  assert.equal(gallery.names().get(newer[0]!.label), "b");
});

Deno.test("Gallery.forget() removes every face of the person and bumps the generation", async () => {
  using gallery = Gallery.open(":memory:");
  gallery.addFaces("gone", [await orlFace(5, 1), await orlFace(5, 2)]);
  gallery.addFaces("kept", [await orlFace(6, 1)]);
  const before = gallery.generation();
  const result = gallery.forget("gone");
  assert.equal(result.removedFaces, 2);
  assert.equal(result.generation, before + 1);
  assert.deepEqual(gallery.listPeople(), [{ name: "kept", faces: 1 }]);
  assert.equal(gallery.faces().length, 1);
  assert.throws(
    () => gallery.forget("gone"),
    (e) => e instanceof GalleryError && e.code === "not_found",
  );
});

Deno.test("Gallery.addFaces() rejects a crop whose size does not match its pixels", () => {
  using gallery = Gallery.open(":memory:");
  assert.throws(
    () => gallery.addFaces("x", [{ width: 10, height: 10, pixels: new Uint8Array(99) }]),
    /expected 10x10 = 100 bytes, got 99/,
  );
  assert.deepEqual(gallery.listPeople(), []);
});

Deno.test("Gallery model snapshots round-trip and replace older ones", () => {
  using gallery = Gallery.open(":memory:");
  assert.equal(gallery.loadModel("lbph"), undefined);
  const bytes = new Uint8Array([9, 8, 7]);
  gallery.saveModel({ algorithm: "lbph", bytes, generation: 3, faces: 10, lastFaceId: 10 });
  const snapshot = {
    algorithm: "lbph",
    bytes,
    generation: 4,
    faces: 11,
    lastFaceId: 11,
    threshold: 612.5,
  };
  gallery.saveModel(snapshot);
  assert.deepEqual(gallery.loadModel("lbph"), snapshot);
  gallery.saveModel({ algorithm: "lbph", bytes, generation: 5, faces: 12, lastFaceId: 12 });
  assert.equal(gallery.loadModel("lbph")?.threshold, null);
  gallery.dropModel("lbph");
  assert.equal(gallery.loadModel("lbph"), undefined);
});

Deno.test("Gallery.open() refuses a file that is not a gallery database", async () => {
  await using tmp = await tempDb();
  await Deno.writeFile(tmp.path, new TextEncoder().encode("this is not sqlite ".repeat(100)));
  assert.throws(
    () => Gallery.open(tmp.path),
    (e) => e instanceof GalleryError && e.code === "corrupt",
  );
});

Deno.test("Gallery.close() is safe to call twice", () => {
  const gallery = Gallery.open(":memory:");
  gallery.close();
  gallery.close();
  assert.throws(() => gallery.counts(), /closed/);
});

Deno.test("normalizeName() accepts ordinary names and refuses unsafe ones", () => {
  assert.equal(normalizeName("  Zoë O'Brien "), "Zoë O'Brien");
  for (
    const bad of ["", "   ", "x".repeat(10_000), "a/b", "..", "a\u0000b", "back\\slash", "\ufffd"]
  ) {
    assert.throws(
      () => normalizeName(bad),
      (e) => e instanceof GalleryError && e.code === "invalid_name",
      bad.slice(0, 20),
    );
  }
});

Deno.test("Gallery.addFaces() does not store a crop the person already has", async () => {
  using gallery = Gallery.open(":memory:");
  const [a, b] = [await orlFace(5, 1), await orlFace(5, 2)];
  const first = gallery.addFaces("Ada", [a, b, a]); // a repeat within one request too
  assert.equal(first.stored, 2);
  assert.equal(first.ids[2], null);
  const generation = gallery.generation();
  const again = gallery.addFaces("Ada", [b, a]);
  assert.deepEqual(again.ids, [null, null]);
  assert.equal(again.stored, 0);
  assert.equal(again.personFaces, 2);
  assert.equal(gallery.generation(), generation, "nothing changed");
  // Another person may hold the same crop (a shared photo): it is theirs to keep.
  assert.equal(gallery.addFaces("Bob", [a]).stored, 1);
});

Deno.test("Gallery names are one identity case-insensitively, keeping the first spelling", async () => {
  using gallery = Gallery.open(":memory:");
  gallery.addFaces("Joe Biden", [await orlFace(3, 1)]);
  const second = gallery.addFaces("JOE BIDEN", [await orlFace(3, 2)]);
  assert.equal(second.name, "Joe Biden");
  assert.equal(second.personFaces, 2);
  assert.deepEqual(gallery.listPeople(), [{ name: "Joe Biden", faces: 2 }]);
  const nfd = "Zoe\u0301"; // e + combining acute: "Zoé" once NFC-normalised
  gallery.addFaces("zoé", [await orlFace(4, 1)]);
  assert.equal(gallery.addFaces(nfd.toUpperCase(), [await orlFace(4, 2)]).name, "zoé");
  assert.equal(gallery.forget("joe biden").name, "Joe Biden");
  assert.deepEqual(gallery.listPeople(), [{ name: "zoé", faces: 2 }]);
});
