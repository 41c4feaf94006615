/**
 * The one gallery test suite both backends pass (SQLite in store_sqlite_test.ts,
 * PostgreSQL in store_postgres_test.ts): the contract of lib/gallery/store.ts, on real
 * ORL face crops.
 * @module
 */
import assert from "node:assert/strict";
import { GalleryError, type GalleryStore, openGallery } from "../../lib/gallery/mod.ts";

const ORL = new URL("../../fixtures/orl/", import.meta.url);

/** An ORL face from the repository's fixtures, as a gallery crop. */
export async function orlFace(person: number, index: number) {
  const bytes = await Deno.readFile(new URL(`s${person}/${index}.pgm`, ORL));
  return { width: 92, height: 112, pixels: bytes.slice(bytes.length - 92 * 112) };
}

/** A fresh, empty gallery location (a file path, or a new database's URL). */
export type FreshLocation = () => Promise<string>;

function vector(seed: number): Float32Array {
  return Float32Array.from({ length: 128 }, (_, i) => Math.sin(seed * 7 + i));
}

/** Runs every case of the contract as a step of `t`, each on a fresh gallery. */
export async function runGallerySuite(t: Deno.TestContext, fresh: FreshLocation): Promise<void> {
  const step = (name: string, body: (g: GalleryStore, location: string) => Promise<void>) =>
    t.step(name, async () => {
      const location = await fresh();
      await using gallery = await openGallery(location);
      await body(gallery, location);
    });

  await step("addFaces() stores crops durably: a reopened gallery has them", async (g, at) => {
    const faces = await Promise.all([1, 2, 3].map((i) => orlFace(7, i)));
    const added = await g.addFaces("Person One", faces);
    assert.equal(added.stored, 3);
    assert.equal(added.personFaces, 3);
    assert.equal(added.generation, 1);
    assert.equal(added.ids.length, 3);
    assert.ok(added.ids.every((id) => typeof id === "number"));
    await g.addFaces("Person Two", [await orlFace(2, 1)]);
    await g.close();
    await using again = await openGallery(at);
    assert.deepEqual(await again.listPeople(), [
      { name: "Person One", faces: 3 },
      { name: "Person Two", faces: 1 },
    ]);
    const stored = await again.faces();
    assert.equal(stored.length, 4);
    assert.deepEqual(stored[0]!.pixels, faces[0]!.pixels);
    assert.equal(await again.generation(), 2);
    assert.deepEqual(await again.counts(), { people: 2, faces: 4 });
  });

  await step(
    "addFaces() treats names case-insensitively and keeps the first spelling",
    async (g) => {
      const first = await g.addFaces("Joe BIDEN", [await orlFace(3, 1)]);
      const second = await g.addFaces("joe biden", [await orlFace(3, 2)]);
      assert.equal(second.personId, first.personId);
      assert.equal(second.name, "Joe BIDEN");
      assert.equal(second.personFaces, 2);
      assert.deepEqual(await g.listPeople(), [{ name: "Joe BIDEN", faces: 2 }]);
    },
  );

  await step("addFaces() does not store a crop the person already has", async (g) => {
    const face = await orlFace(4, 1);
    const first = await g.addFaces("dup", [face]);
    const again = await g.addFaces("dup", [face, await orlFace(4, 2)]);
    assert.equal(again.ids[0], null);
    assert.equal(typeof again.ids[1], "number");
    assert.equal(again.stored, 1);
    const only = await g.addFaces("dup", [face]);
    assert.equal(only.stored, 0);
    assert.equal(only.generation, again.generation, "no change, no new generation");
    assert.equal(first.generation + 1, again.generation);
    // Another person may have the same crop.
    assert.equal((await g.addFaces("other", [face])).stored, 1);
  });

  await step("addFaces() refuses bad names and bad crops before storing anything", async (g) => {
    await assert.rejects(
      g.addFaces("../etc", [await orlFace(5, 1)]),
      (e) => e instanceof GalleryError && e.code === "invalid_name",
    );
    await assert.rejects(
      g.addFaces("x", [{ width: 92, height: 112, pixels: new Uint8Array(10) }]),
      /expected 92x112 = 10304 bytes, got 10/,
    );
    // A look-alike of "ZeroWidth" (a zero-width space inside) would be a second person.
    await assert.rejects(
      g.addFaces("Zero\u200bWidth", [await orlFace(5, 1)]),
      (e) =>
        e instanceof GalleryError && e.code === "invalid_name" &&
        e.message === "invalid name: invisible character U+200B is not allowed in a new name",
    );
    assert.deepEqual(await g.counts(), { people: 0, faces: 0 });
    assert.equal(await g.generation(), 0);
  });

  await step("forget() removes the person's faces and bumps the generation", async (g) => {
    await g.addFaces("gone", [await orlFace(5, 1), await orlFace(5, 2)]);
    const kept = await g.addFaces("kept", [await orlFace(6, 1)]);
    assert.deepEqual((await g.faceCounts()).sort(), [1, 2]);
    const removed = await g.forget("GONE");
    assert.equal(removed.name, "gone");
    assert.equal(removed.removedFaces, 2);
    assert.equal(removed.generation, kept.generation + 1);
    assert.deepEqual(await g.listPeople(), [{ name: "kept", faces: 1 }]);
    assert.deepEqual(await g.faceCounts(), [1]);
    assert.deepEqual([...(await g.names()).values()], ["kept"]);
    await assert.rejects(
      g.forget("gone"),
      (e) => e instanceof GalleryError && e.code === "not_found",
    );
    await assert.rejects(
      g.rename("kept", "ke\u2060pt"),
      (e) => e instanceof GalleryError && e.code === "invalid_name",
      "a new name with a word joiner is refused like a new person's",
    );
    // ZWNJ is part of how Persian and the Indic scripts are written: it stays allowed.
    assert.equal((await g.addFaces("مهر\u200cداد", [await orlFace(7, 1)])).stored, 1);
    await g.forget("مهر\u200cداد");
  });

  await step("faces(), lastFaceId() and countFacesUpTo() window the faces by id", async (g) => {
    assert.equal(await g.lastFaceId(), 0);
    await g.addFaces("a", [await orlFace(3, 1), await orlFace(3, 2)]);
    const last = await g.lastFaceId();
    await g.addFaces("b", [await orlFace(4, 1)]);
    const newer = await g.faces(last);
    assert.equal(newer.length, 1);
    assert.equal((await g.names()).get(newer[0]!.label), "b");
    assert.equal((await g.faces(0, last)).length, 2);
    assert.equal(await g.countFacesUpTo(last), 2);
    await g.forget("a");
    assert.equal(await g.countFacesUpTo(last), 0);
  });

  await step("embeddings are stored, counted, listed by id and filled in later", async (g) => {
    const chip = new Uint8Array([137, 80, 78, 71, 1, 2, 3]);
    const added = await g.addFaces("e", [
      { ...(await orlFace(2, 1)), chipPng: chip, embedding: { model: "m1", vector: vector(1) } },
      { ...(await orlFace(2, 2)), chipPng: chip },
      await orlFace(2, 3),
    ]);
    const [a, b] = added.ids as number[];
    assert.deepEqual(await g.embeddingCounts("m1"), { embedded: 1, pending: 1, noChip: 1 });
    const stored = await g.embeddings("m1");
    assert.equal(stored.length, 1);
    assert.deepEqual(stored[0]!.vector, vector(1));
    assert.deepEqual(await g.embeddingIds("m1"), [a]);
    assert.deepEqual((await g.embeddingsOf("m1", [a!, b!])).map((e) => e.id), [a]);
    const pending = await g.pendingChips("m1", 10);
    assert.deepEqual(pending.map((p) => p.id), [b]);
    assert.deepEqual(pending[0]!.chipPng, chip);
    // A descriptor of another model leaves the chip pending for m1.
    assert.equal((await g.pendingChips("m2", 10)).length, 2);
    const done = await g.setEmbeddings("m1", [{ id: b!, vector: vector(2) }, {
      id: 999_999,
      vector: vector(3),
    }]);
    assert.deepEqual(done, [b], "a face that is gone is skipped");
    assert.deepEqual(await g.embeddingCounts("m1"), { embedded: 2, pending: 0, noChip: 1 });
    assert.deepEqual((await g.embeddingsOf("m1", [b!]))[0]!.vector, vector(2));
  });

  await step("saveModel() keeps the newest snapshot per algorithm", async (g) => {
    const bytes = Uint8Array.from({ length: 5000 }, (_, i) => i % 251);
    await g.saveModel({ algorithm: "lbph", bytes, generation: 3, faces: 7, lastFaceId: 9 });
    const loaded = await g.loadModel("lbph");
    assert.deepEqual(loaded, {
      algorithm: "lbph",
      bytes,
      generation: 3,
      faces: 7,
      lastFaceId: 9,
      threshold: null,
    });
    // An older one (a slower replica's) does not replace it; a newer one does.
    await g.saveModel({
      algorithm: "lbph",
      bytes: new Uint8Array(1),
      generation: 2,
      faces: 1,
      lastFaceId: 1,
    });
    assert.equal((await g.loadModel("lbph"))!.generation, 3);
    await g.saveModel({
      algorithm: "lbph",
      bytes: new Uint8Array([9]),
      generation: 4,
      faces: 8,
      lastFaceId: 10,
      threshold: 12.5,
    });
    assert.equal((await g.loadModel("lbph"))!.threshold, 12.5);
    assert.equal(await g.modelGeneration("lbph"), 4);
    await g.dropModel("lbph");
    assert.equal(await g.loadModel("lbph"), undefined);
    assert.equal(await g.modelGeneration("lbph"), undefined);
  });

  await step("rename, personFaces, faceImages and forgetFace manage one person", async (g) => {
    const chip = new Uint8Array([137, 80, 78, 71, 9]);
    const ada = await g.addFaces("ada", [
      { ...(await orlFace(2, 4)), chipPng: chip, score: 0.9, source: "a.jpg" },
      await orlFace(2, 5),
    ]);
    await g.addFaces("Bob", [await orlFace(3, 4)]);
    const generation = await g.generation();
    assert.deepEqual(await g.rename("ADA", "Ada Lovelace"), {
      personId: ada.personId,
      oldName: "ada",
      name: "Ada Lovelace",
    });
    assert.equal(await g.generation(), generation, "a rename leaves the generation");
    await assert.rejects(
      g.rename("Ada Lovelace", "bob"),
      (e) =>
        e instanceof GalleryError && e.code === "exists" &&
        /"Bob" is already enrolled/.test(e.message),
    );
    await assert.rejects(
      g.rename("nobody", "x"),
      (e) => e instanceof GalleryError && e.code === "not_found",
    );
    const listed = await g.personFaces("ada lovelace");
    assert.equal(listed.name, "Ada Lovelace");
    assert.deepEqual(listed.faces.map((f) => [f.id, f.source, f.score, f.aligned]), [
      [ada.ids[0], "a.jpg", 0.9, true],
      [ada.ids[1], null, null, false],
    ]);
    assert.ok(listed.faces.every((f) => f.createdAt > 0));
    const images = await g.faceImages("Ada Lovelace");
    assert.deepEqual(images.faces[0]!.chipPng, chip);
    assert.equal(images.faces[1]!.chipPng, null);
    assert.deepEqual(images.faces[1]!.pixels, (await orlFace(2, 5)).pixels);
    await assert.rejects(
      g.forgetFace("Bob", ada.ids[0]!),
      (e) =>
        e instanceof GalleryError && e.code === "not_found" &&
        /has no face with id/.test(e.message),
    );
    const one = await g.forgetFace("Ada Lovelace", ada.ids[0]!);
    assert.deepEqual([one.personFaces, one.removedPerson, one.generation], [
      1,
      false,
      generation + 1,
    ]);
    const last = await g.forgetFace("Ada Lovelace", ada.ids[1]!);
    assert.equal(last.removedPerson, true);
    assert.deepEqual(await g.listPeople(), [{ name: "Bob", faces: 1 }]);
  });

  await step("two connections enrolling one new name make one person", async (g, at) => {
    await using other = await openGallery(at);
    const [x, y] = await Promise.all([
      g.addFaces("Twin", [await orlFace(6, 2)]),
      other.addFaces("twin", [await orlFace(6, 3)]),
    ]);
    assert.equal(x.personId, y.personId);
    assert.notEqual(x.generation, y.generation);
    assert.deepEqual(await g.listPeople(), [{ name: (await g.listPeople())[0]!.name, faces: 2 }]);
    const ids = (await g.faces()).map((f) => f.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  });
}
