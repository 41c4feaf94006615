/**
 * Opens a gallery by where it is: a SQLite file path, or a `postgres://` URL.
 * @module
 */
import { PostgresGallery } from "./postgres_gallery.ts";
import { isPostgresUrl } from "./postgres_url.ts";
import { SqliteGallery } from "./sqlite_gallery.ts";
import type { GalleryStore } from "./store.ts";

/**
 * Opens the gallery at `location` (a file path or a `postgres://` URL), creating or
 * migrating its schema unless `readOnly`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { openGallery } from "./open_gallery.ts";
 * await using gallery = await openGallery(":memory:");
 * assert.equal(gallery.kind, "sqlite");
 * ```
 */
export async function openGallery(
  location: string,
  options: { readOnly?: boolean } = {},
): Promise<GalleryStore> {
  if (isPostgresUrl(location)) return await PostgresGallery.connect(location, options);
  return SqliteGallery.open(location, options);
}
