/** The gallery's management methods: rename, listing faces, forgetting one face, export. */
import assert from "node:assert/strict";
import { Gallery, GalleryError } from "../../lib/gallery/mod.ts";

const ORL = new URL("../../fixtures/orl/", import.meta.url);

async function orlFace(person: number, index: number) {
  const bytes = await Deno.readFile(new URL(`s${person}/${index}.pgm`, ORL));
  return { width: 92, height: 112, pixels: bytes.slice(bytes.length - 92 * 112) };
}

const isCode = (code: string) => (e: unknown) => e instanceof GalleryError && e.code === code;

Deno.test("Gallery.rename() moves a person to a new name and keeps their faces", async () => {
  using gallery = Gallery.open(":memory:");
  const added = gallery.addFaces("Ada", [await orlFace(2, 1), await orlFace(2, 2)]);
  gallery.addFaces("Bob", [await orlFace(3, 1)]);
  const generation = gallery.generation();
  const renamed = gallery.rename("ada", "  Ada Lovelace ");
  assert.deepEqual(renamed, { personId: added.personId, oldName: "Ada", name: "Ada Lovelace" });
  assert.deepEqual(gallery.listPeople(), [
    { name: "Ada Lovelace", faces: 2 },
    { name: "Bob", faces: 1 },
  ]);
  assert.equal(gallery.names().get(added.personId), "Ada Lovelace");
  assert.equal(gallery.generation(), generation, "no face changed");
  // The new name is the identity now: enrolling under it adds to the same person.
  const more = gallery.addFaces("ADA LOVELACE", [await orlFace(2, 3)]);
  assert.equal(more.personId, added.personId);
  assert.throws(() => gallery.forget("Ada"), isCode("not_found"));
});

Deno.test("Gallery.rename() refuses a name held by someone else and changes nothing", async () => {
  using gallery = Gallery.open(":memory:");
  gallery.addFaces("Ada", [await orlFace(2, 1)]);
  gallery.addFaces("Bob", [await orlFace(3, 1)]);
  assert.throws(
    () => gallery.rename("Ada", "BOB"),
    (e) => isCode("exists")(e) && /"Bob" is already enrolled/.test((e as Error).message),
  );
  assert.throws(() => gallery.rename("Nobody", "Carl"), isCode("not_found"));
  assert.throws(() => gallery.rename("Ada", "   "), isCode("invalid_name"));
  assert.throws(() => gallery.rename("Ada", "../etc"), isCode("invalid_name"));
  assert.deepEqual(gallery.listPeople(), [{ name: "Ada", faces: 1 }, { name: "Bob", faces: 1 }]);
  // A new spelling of the same person is not a clash.
  assert.equal(gallery.rename("Ada", "ADA").name, "ADA");
  assert.deepEqual(gallery.listPeople().map((p) => p.name), ["ADA", "Bob"]);
});

Deno.test("Gallery.personFaces() lists ids, times, sources, scores and chips", async () => {
  using gallery = Gallery.open(":memory:");
  const before = Date.now();
  const chipPng = Uint8Array.of(0x89, 0x50, 0x4e, 0x47);
  const added = gallery.addFaces("Ada", [
    { ...await orlFace(2, 1), source: "one.jpg", score: 0.93, chipPng },
    await orlFace(2, 2),
  ]);
  const listed = gallery.personFaces("ADA");
  assert.equal(listed.name, "Ada");
  assert.deepEqual(listed.faces.map((f) => f.id), added.ids);
  const [first, second] = listed.faces;
  assert.ok(first && second);
  assert.ok(first.createdAt >= before && first.createdAt <= Date.now());
  assert.deepEqual(
    { source: first.source, score: first.score, aligned: first.aligned },
    { source: "one.jpg", score: 0.93, aligned: true },
  );
  assert.deepEqual(
    { source: second.source, score: second.score, aligned: second.aligned },
    { source: null, score: null, aligned: false },
  );
  assert.throws(() => gallery.personFaces("Bob"), isCode("not_found"));
});

Deno.test("Gallery.forgetFace() removes exactly one face, and the person with their last", async () => {
  using gallery = Gallery.open(":memory:");
  const ada = gallery.addFaces("Ada", [await orlFace(2, 1), await orlFace(2, 2)]);
  const bob = gallery.addFaces("Bob", [await orlFace(3, 1)]);
  const generation = gallery.generation();
  const [keep, drop] = ada.ids as number[];
  const removed = gallery.forgetFace("ada", drop!);
  assert.deepEqual(removed, {
    personId: ada.personId,
    name: "Ada",
    faceId: drop,
    personFaces: 1,
    removedPerson: false,
    generation: generation + 1,
  });
  assert.deepEqual(gallery.faces().map((f) => f.id), [keep, bob.ids[0]]);
  // Someone else's face, or one already gone, is not found, and nothing changes.
  assert.throws(
    () => gallery.forgetFace("Ada", bob.ids[0]!),
    (e) => isCode("not_found")(e) && /"Ada" has no face with id/.test((e as Error).message),
  );
  assert.throws(() => gallery.forgetFace("Ada", drop!), isCode("not_found"));
  assert.equal(gallery.generation(), generation + 1);
  const last = gallery.forgetFace("Bob", bob.ids[0]!);
  assert.equal(last.removedPerson, true);
  assert.deepEqual(gallery.listPeople(), [{ name: "Ada", faces: 1 }]);
});

Deno.test("Gallery.faceImages() returns each face's crop and chip for export", async () => {
  using gallery = Gallery.open(":memory:");
  const crop = await orlFace(4, 1);
  const chipPng = Uint8Array.of(1, 2, 3);
  gallery.addFaces("Ada", [{ ...crop, chipPng, source: "a.jpg" }, await orlFace(4, 2)]);
  const { name, faces } = gallery.faceImages("ada");
  assert.equal(name, "Ada");
  assert.equal(faces.length, 2);
  assert.deepEqual(faces[0]!.pixels, crop.pixels);
  assert.deepEqual([faces[0]!.width, faces[0]!.height], [92, 112]);
  assert.deepEqual(faces[0]!.chipPng, chipPng);
  assert.deepEqual([faces[0]!.aligned, faces[0]!.source, faces[1]!.aligned], [
    true,
    "a.jpg",
    false,
  ]);
  assert.equal(faces[1]!.chipPng, null);
  assert.throws(() => gallery.faceImages("Bob"), isCode("not_found"));
});
