import assert from "node:assert/strict";
import postgres from "postgres";
import {
  type GalleryChange,
  GalleryError,
  openGallery,
  PostgresGallery,
} from "../../lib/gallery/mod.ts";
import { findPostgresBin, startPostgres } from "../_support/postgres_server.ts";
import { waitFor } from "../_support/wait.ts";
import { orlFace, runGallerySuite } from "./_store_suite.ts";

const bin = findPostgresBin();
if (!bin) {
  console.log(
    "notice: PostgreSQL binaries not found (initdb, pg_ctl; apt-get install postgresql): " +
      "the PostgreSQL gallery tests are skipped",
  );
}

Deno.test({
  name: "PostgresGallery passes the gallery suite, on a real server",
  ignore: !bin,
  fn: async (t) => {
    await using server = await startPostgres();
    const admin = postgres(server.url, { max: 1, onnotice: () => {} });
    let n = 0;
    try {
      await runGallerySuite(t, async () => {
        const name = `suite_${++n}`;
        await admin.unsafe(`CREATE DATABASE ${name}`);
        return server.url.replace(/\/facerec$/, `/${name}`);
      });

      await t.step(
        "the schema is created once, versioned, and a newer one is refused",
        async () => {
          await admin.unsafe("CREATE DATABASE schema_check");
          const url = server.url.replace(/\/facerec$/, "/schema_check");
          // Two replicas starting at once migrate once, under the advisory lock.
          const both = await Promise.all([openGallery(url), openGallery(url)]);
          await Promise.all(both.map((g) => g.close()));
          const db = postgres(url, { max: 1, onnotice: () => {} });
          try {
            const [row] = await db`SELECT value FROM meta WHERE key = 'schema'`;
            assert.equal(Number(row!.value), 1);
            await db`UPDATE meta SET value = 99 WHERE key = 'schema'`;
          } finally {
            await db.end();
          }
          await assert.rejects(
            openGallery(url),
            (e) =>
              e instanceof GalleryError && e.code === "corrupt" &&
              /schema 99 is newer/.test(e.message),
          );
        },
      );

      await t.step("watch() hears another connection's committed changes", async () => {
        await admin.unsafe("CREATE DATABASE watch_check");
        const url = server.url.replace(/\/facerec$/, "/watch_check");
        await using a = await openGallery(url);
        await using b = await openGallery(url);
        const heard: GalleryChange[] = [];
        await a.watch((change) => heard.push(change));
        const added = await b.addFaces("w", [await orlFace(7, 4)]);
        await waitFor(() => heard.length >= 1, "a notification");
        assert.deepEqual(heard[0], { kind: "gallery", generation: added.generation });
        await b.saveModel({
          algorithm: "eigen",
          bytes: new Uint8Array(3),
          generation: 1,
          faces: 1,
          lastFaceId: 1,
        });
        await waitFor(() => heard.length >= 2, "a model notification");
        assert.deepEqual(heard[1], { kind: "model", generation: 1, algorithm: "eigen" });
      });

      await t.step("a rename is heard as a names change, and leaves the generation", async () => {
        await admin.unsafe("CREATE DATABASE names_check");
        const url = server.url.replace(/\/facerec$/, "/names_check");
        await using g = await PostgresGallery.connect(url);
        await using other = await PostgresGallery.connect(url);
        const heard: GalleryChange[] = [];
        await other.watch((change) => heard.push(change));
        await g.addFaces("ada", [await orlFace(2, 4)]);
        const generation = await g.generation();
        await g.rename("ada", "Ada Lovelace");
        await waitFor(() => heard.some((c) => c.kind === "names"), "a names notification");
        assert.deepEqual(heard.find((c) => c.kind === "names"), { kind: "names", generation });
        assert.equal(await g.generation(), generation);
      });

      await t.step("tryLead() elects one connection until it closes", async () => {
        const a = await openGallery(server.url);
        await using b = await openGallery(server.url);
        assert.equal(await a.tryLead(), true);
        assert.equal(await a.tryLead(), true, "still held");
        assert.equal(await b.tryLead(), false);
        await a.close();
        assert.equal(await b.tryLead(), true);
      });

      await t.step("a stopped server makes calls fail with unavailable, then recover", async () => {
        const g = await PostgresGallery.connect(server.url, { connectTimeout: 2 });
        try {
          await g.addFaces("before", [await orlFace(5, 3)]);
          await server.stop();
          const started = performance.now();
          await assert.rejects(
            g.addFaces("during", [await orlFace(5, 4)]),
            (e) =>
              e instanceof GalleryError && e.code === "unavailable" &&
              !/:\/\/[^@]*:[^@*]+@/.test(e.message),
          );
          assert.ok(performance.now() - started < 10_000, "refused within seconds, no hang");
          await server.start();
          const after = await g.addFaces("after", [await orlFace(5, 5)]);
          assert.equal(after.stored, 1);
          const names = (await g.listPeople()).map((p) => p.name);
          assert.ok(
            names.includes("before") && names.includes("after") && !names.includes("during"),
          );
        } finally {
          await g.close();
        }
      });
    } finally {
      await admin.end({ timeout: 1 }).catch(() => {});
    }
  },
});

Deno.test("PostgresGallery.connect() refuses a malformed URL with what it expected", async () => {
  await assert.rejects(
    PostgresGallery.connect("postgres://127.0.0.1:5432/"),
    /expected postgres:\/\/USER\[:PASS\]@HOST:PORT\/DB, got no USER/,
  );
  await assert.rejects(
    PostgresGallery.connect("postgres://u:secret@127.0.0.1:1"),
    (e) =>
      e instanceof TypeError && /no database name/.test(e.message) && !e.message.includes("secret"),
  );
});

Deno.test("PostgresGallery.connect() to a closed port fails with unavailable", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  await assert.rejects(
    PostgresGallery.connect(`postgres://u@127.0.0.1:${port}/db`, { connectTimeout: 2 }),
    (e) => e instanceof GalleryError && e.code === "unavailable",
  );
});
