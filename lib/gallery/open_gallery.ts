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
 * migrating its schema unless `readOnly`. `check: false` skips a SQLite file's integrity
 * check (see `Gallery.open`), for a process's further connections to a gallery it checked.
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
  options: { readOnly?: boolean; check?: boolean } = {},
): Promise<GalleryStore> {
  if (isPostgresUrl(location)) {
    return await PostgresGallery.connect(location, { readOnly: options.readOnly });
  }
  return SqliteGallery.open(location, options);
}
