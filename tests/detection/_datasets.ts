/**
 * Where the shared datasets are: `FACEREC_DATASETS` (absolute, or relative to the repository
 * root), else ../shared/datasets next to the repository. Tests that need them are ignored
 * when the folder is absent, so the suite still runs on a machine with only the repository.
 * @module
 */
import { decodeImage } from "../../lib/imaging/decode.ts";
import type { RgbaImage } from "../../lib/imaging/image.ts";

const REPO = new URL("../../", import.meta.url);

function locate(): URL {
  const env = Deno.env.get("FACEREC_DATASETS");
  const value = env && env.length > 0 ? env : "../shared/datasets";
  const dir = value.endsWith("/") ? value : `${value}/`;
  return dir.startsWith("/") ? new URL(`file://${dir}`) : new URL(dir, REPO);
}

/** The datasets folder (a directory URL). */
export const DATASETS: URL = locate();

/** True when the datasets folder exists; pass `ignore: !HAVE_DATASETS` to tests needing it. */
export const HAVE_DATASETS: boolean = (() => {
  try {
    return Deno.statSync(DATASETS).isDirectory;
  } catch {
    return false;
  }
})();

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
