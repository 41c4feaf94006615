import { runGallerySuite } from "./_store_suite.ts";

Deno.test("SqliteGallery passes the gallery suite", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "facerec-store-" });
  let n = 0;
  try {
    await runGallerySuite(t, () => Promise.resolve(`${dir}/gallery-${++n}.db`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
