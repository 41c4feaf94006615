/**
 * Test helper: the ORL split used by native_baseline.py and scripts/native_reference.py
 * (people and file names sorted plainly, first K per person train, the rest test).
 * @module
 */
import { decodeGray } from "../../lib/imaging/decode.ts";
import type { FaceImage } from "../../lib/recognition/mod.ts";
import { DATASETS_URL, HAVE_DATASETS } from "../_datasets.ts";

/** ORL in the shared datasets (tests/_datasets.ts). */
export const ORL_DIR = new URL("orl/", DATASETS_URL);

/** One labelled ORL image. */
export interface OrlSample {
  readonly file: string;
  readonly label: number;
  readonly image: FaceImage;
}

/** The ORL train/test split. */
export interface OrlSplit {
  readonly people: string[];
  readonly train: OrlSample[];
  readonly test: OrlSample[];
}

function plainSort(names: string[]): string[] {
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Reads ORL (or another folder-per-person set of ORL-sized images, `root`, ending in "/") and
 * splits it: the first `trainPerPerson` files of each person train.
 */
export async function loadOrl(trainPerPerson = 5, root: URL = ORL_DIR): Promise<OrlSplit> {
  const people: string[] = [];
  for await (const entry of Deno.readDir(root)) if (entry.isDirectory) people.push(entry.name);
  plainSort(people);
  const train: OrlSample[] = [], test: OrlSample[] = [];
  for (const [label, person] of people.entries()) {
    const dir = new URL(`${person}/`, root);
    const files: string[] = [];
    for await (const entry of Deno.readDir(dir)) if (entry.isFile) files.push(entry.name);
    for (const [i, name] of plainSort(files).entries()) {
      const image = decodeGray(await Deno.readFile(new URL(name, dir)));
      (i < trainPerPerson ? train : test).push({ file: `${person}/${name}`, label, image });
    }
  }
  return { people, train, test };
}

/**
 * {@link loadOrl}, or an empty split without the datasets: for modules that read ORL at load
 * time, whose tests are then ignored (`datasetTest`).
 */
export async function loadOrlIfPresent(trainPerPerson = 5): Promise<OrlSplit> {
  return HAVE_DATASETS ? await loadOrl(trainPerPerson) : { people: [], train: [], test: [] };
}
