import assert from "node:assert/strict";
import { Gallery, SCHEMA_VERSION } from "../../lib/gallery/mod.ts";
import { CLASSIC_ALGORITHMS } from "../../lib/core/algorithms.ts";

// Written by facerec at commit 7364271 (schema 2, before chips and descriptors): two ORL
// people, five grey crops, and the three classic models trained on them.
const V2 = new URL("../fixtures/gallery/v2.db", import.meta.url);

async function copyOfV2(): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "facerec-migrate-" });
  await Deno.copyFile(V2, `${dir}/gallery.db`);
  return {
    path: `${dir}/gallery.db`,
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("Gallery.open() upgrades a schema-2 gallery and keeps its people, faces and models", async () => {
  await using tmp = await copyOfV2();
  {
    using gallery = Gallery.open(tmp.path);
    assert.deepEqual(gallery.listPeople(), [
      { name: "Person One", faces: 2 },
      { name: "Person Two", faces: 3 },
    ]);
    assert.equal(gallery.generation(), 2);
    const faces = gallery.faces();
    assert.equal(faces.length, 5);
    assert.ok(
      faces.every((f) => f.width === 92 && f.height === 112 && f.pixels.length === 92 * 112),
    );
    for (const algorithm of CLASSIC_ALGORITHMS) {
      const model = gallery.loadModel(algorithm);
      assert.equal(model?.generation, 2, algorithm);
      assert.equal(model?.faces, 5, algorithm);
    }
    // The old faces have no chip: dnn cannot use them until their photos are enrolled again.
    assert.deepEqual(gallery.embeddingCounts("m"), { embedded: 0, pending: 0, noChip: 5 });
    // New faces carry everything.
    const vector = Float32Array.from({ length: 128 }, (_, i) => i / 128);
    // The stored crops were hashed by the migration: the same crop again is a duplicate.
    const again = gallery.addFaces("person one", [{
      width: 92,
      height: 112,
      pixels: faces[0]!.pixels,
    }]);
    assert.deepEqual(again.ids, [null]);
    assert.equal(again.name, "Person One");
    const other = faces[0]!.pixels.map((v) => 255 - v);
    gallery.addFaces("Person One", [{
      width: 92,
      height: 112,
      pixels: other,
      chipPng: Uint8Array.of(1, 2, 3),
      embedding: { model: "m", vector },
      score: 0.93,
      landmarks: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      source: "one.jpg",
    }]);
    assert.deepEqual(gallery.embeddingCounts("m"), { embedded: 1, pending: 0, noChip: 5 });
    assert.deepEqual(gallery.embeddingCounts("other"), { embedded: 0, pending: 1, noChip: 5 });
  }
  using reopened = Gallery.open(tmp.path);
  const [stored] = reopened.embeddings("m");
  assert.equal(stored?.vector.length, 128);
  assert.equal(stored?.vector[64], 0.5);
  assert.equal(reopened.pendingChips("other", 10).length, 1);
  const meta = new (await import("node:sqlite")).DatabaseSync(tmp.path);
  const row = meta.prepare("SELECT value FROM meta WHERE key = 'schema'").get() as {
    value: number;
  };
  meta.close();
  assert.equal(Number(row.value), SCHEMA_VERSION);
});

Deno.test("Gallery.setEmbeddings() stores descriptors for pending chips without a new generation", () => {
  using gallery = Gallery.open(":memory:");
  gallery.addFaces("Ada", [{
    width: 1,
    height: 1,
    pixels: Uint8Array.of(7),
    chipPng: Uint8Array.of(9),
  }]);
  const generation = gallery.generation();
  const [pending] = gallery.pendingChips("m", 5);
  assert.deepEqual(pending?.chipPng, Uint8Array.of(9));
  assert.deepEqual(gallery.setEmbeddings("m", [{ id: pending!.id, vector: new Float32Array(4) }]), [
    pending!.id,
  ]);
  assert.deepEqual(gallery.setEmbeddings("m", [{ id: 999, vector: new Float32Array(4) }]), []);
  assert.equal(gallery.generation(), generation);
  assert.deepEqual(gallery.embeddingCounts("m"), { embedded: 1, pending: 0, noChip: 0 });
});

Deno.test("Gallery.open() refuses a gallery from a newer release", async () => {
  await using tmp = await copyOfV2();
  const { DatabaseSync } = await import("node:sqlite");
  const db = new DatabaseSync(tmp.path);
  db.exec(`UPDATE meta SET value = ${SCHEMA_VERSION + 1} WHERE key = 'schema'`);
  db.close();
  assert.throws(() => Gallery.open(tmp.path), /newer than this release understands/);
});
