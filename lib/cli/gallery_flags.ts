/**
 * The recognizer's gallery flags: `--data DIR` (SQLite, the default) or `--gallery URL`
 * (PostgreSQL, shared by several recognizers), never both.
 * @module
 */
import { parsePostgresUrl } from "../gallery/mod.ts";
import { UsageError } from "../core/usage_error.ts";
import { intFlag } from "./server_flags.ts";

/** Where the gallery is, as {@link RecognizerService.start} takes it. */
export type GallerySetting = { dataDir: string } | { gallery: string; galleryWaitMs: number };

/** The data directory used when neither flag is given. */
export const DEFAULT_DATA_DIR = "facerec-data";

/**
 * Reads `--data`, `--gallery` and `--gallery-wait` from parsed flag values; throws a
 * {@link UsageError} for both location flags at once or a malformed URL.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { galleryFlags } from "./gallery_flags.ts";
 * assert.deepEqual(galleryFlags({}), { dataDir: "facerec-data" });
 * assert.deepEqual(galleryFlags({ gallery: "postgres://u@db:5432/g" }), {
 *   gallery: "postgres://u@db:5432/g",
 *   galleryWaitMs: 30_000,
 * });
 * assert.throws(() => galleryFlags({ data: "d", gallery: "postgres://u@db:5432/g" }));
 * ```
 */
export function galleryFlags(values: Record<string, unknown>): GallerySetting {
  const data = values.data as string | undefined;
  const url = values.gallery as string | undefined;
  if (data !== undefined && url !== undefined) {
    throw new UsageError(
      "--data and --gallery are alternatives: --data DIR keeps a SQLite gallery of one " +
        "recognizer, --gallery URL a PostgreSQL one several share; give one of them",
    );
  }
  const wait = values["gallery-wait"] as string | undefined;
  if (url === undefined) {
    if (wait !== undefined) throw new UsageError("--gallery-wait: only with --gallery");
    return { dataDir: data ?? DEFAULT_DATA_DIR };
  }
  try {
    parsePostgresUrl(url);
  } catch (error) {
    throw new UsageError(`--gallery: ${(error as Error).message}`);
  }
  return { gallery: url, galleryWaitMs: intFlag("gallery-wait", wait, 30, 0, 3600) * 1000 };
}
