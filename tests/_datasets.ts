/**
 * Where the dataset-backed tests find the shared datasets (ORL, lfw10, the face-api.js group
 * photos and the annotated detection photos), and the guard that skips those tests on a
 * machine without them.
 *
 * `FACEREC_DATASETS` names the folder; a relative value is taken from the repository root.
 * Unset, it is `../shared/datasets`, where CI keeps it. When the folder or one of its
 * sub-folders is missing, every test registered with {@link datasetTest} is ignored, and
 * `tests/datasets_test.ts` prints one notice saying how many were. The rest of the suite runs
 * on the fixtures this repository ships.
 *
 * @module
 */

/** The repository root. */
export const ROOT: URL = new URL("../", import.meta.url);

/** The default location, relative to the repository root. */
export const DEFAULT_DATASETS = "../shared/datasets";

/** The sub-folders the dataset tests read. */
export const DATASET_PARTS: readonly string[] = ["orl", "lfw10", "bbt", "detection"];

/**
 * The datasets folder as a directory URL: `value` (an absolute path, or one relative to
 * `root`), or {@link DEFAULT_DATASETS} when `value` is unset or empty.
 */
export function resolveDatasets(value: string | undefined, root: URL = ROOT): URL {
  const path = value || DEFAULT_DATASETS;
  return new URL(path.endsWith("/") ? path : `${path}/`, root);
}

/** True when `dir` holds every one of `parts` as a directory. */
export function hasDatasets(dir: URL, parts: readonly string[] = DATASET_PARTS): boolean {
  return parts.every((part) => {
    try {
      return Deno.statSync(new URL(part, dir)).isDirectory;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound || e instanceof Deno.errors.NotADirectory) {
        return false;
      }
      throw e;
    }
  });
}

/** The datasets folder, as a directory URL. */
export const DATASETS_URL: URL = resolveDatasets(Deno.env.get("FACEREC_DATASETS"));

/** The datasets folder, as a path ending in `/`. */
export const DATASETS: string = decodeURIComponent(DATASETS_URL.pathname);

/** True when the datasets are there and the dataset tests run. */
export const HAVE_DATASETS: boolean = hasDatasets(DATASETS_URL);

/** How the folder was named, for messages. */
export const DATASETS_LABEL: string = Deno.env.get("FACEREC_DATASETS") || DEFAULT_DATASETS;

/** The path of `relative` inside the datasets folder. */
export function datasetPath(relative: string): string {
  return DATASETS + relative;
}

/** The bytes of `relative` inside the datasets folder. */
export function readDataset(relative: string): Uint8Array {
  return Deno.readFileSync(datasetPath(relative));
}

/**
 * Registers a test that reads the shared datasets: ignored when they are absent. One call
 * registers one test, which is how `tests/datasets_test.ts` counts them: keep calls out of
 * loops.
 */
export function datasetTest(name: string, fn: (t: Deno.TestContext) => void | Promise<void>): void;
export function datasetTest(options: Omit<Deno.TestDefinition, "ignore">): void;
export function datasetTest(
  a: string | Omit<Deno.TestDefinition, "ignore">,
  fn?: (t: Deno.TestContext) => void | Promise<void>,
): void {
  const definition = typeof a === "string" ? { name: a, fn: fn! } : a;
  Deno.test({ ...definition, ignore: !HAVE_DATASETS });
}
