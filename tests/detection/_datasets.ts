/**
 * Dataset helpers of the detection tests; where the datasets are, and whether the tests that
 * need them run, is tests/_datasets.ts's business.
 * @module
 */
import { decodeImage } from "../../lib/imaging/decode.ts";
import type { RgbaImage } from "../../lib/imaging/image.ts";
import { DATASETS_URL } from "../_datasets.ts";

/** The datasets folder (a directory URL), as tests/_datasets.ts resolves it. */
export const DATASETS: URL = DATASETS_URL;

/** Decodes `path` (relative to the datasets folder) to RGBA. */
export function datasetImage(path: string): RgbaImage {
  return decodeImage(Deno.readFileSync(new URL(path, DATASETS)));
}

/** Files of a folder-per-person dataset, sorted plainly: `[person/file, ...]`. */
export function personFiles(dataset: string): string[] {
  const root = new URL(`${dataset}/`, DATASETS);
  const sorted = (names: string[]) => names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const people = sorted(
    [...Deno.readDirSync(root)].filter((e) => e.isDirectory).map((e) => e.name),
  );
  return people.flatMap((p) =>
    sorted(
      [...Deno.readDirSync(new URL(`${p}/`, root))].filter((e) => e.isFile).map((e) => e.name),
    ).map((f) => `${dataset}/${p}/${f}`)
  );
}
