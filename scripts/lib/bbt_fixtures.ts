/**
 * The face-api.js people shipped in fixtures/bbt/, as the demo and the group-photo test
 * enroll them: each person's folder of greyscale crops, and the colour crops cut from the
 * group photos (fixtures/bbt/colour/PERSON/PERSON-bbtN.jpg) except those cut from the photo
 * about to be identified.
 * @module
 */

/** fixtures/bbt/ as a path, with a trailing slash. */
export const BBT_FIXTURES: string = new URL("../../fixtures/bbt/", import.meta.url).pathname;

/**
 * What to enroll for `person` when group photo `heldOut` (e.g. "bbt5") is to be identified:
 * the greyscale crops' folder, then the colour crops of the other group photos, sorted.
 */
export function bbtEnrollInputs(person: string, heldOut: string): string[] {
  const colour = `${BBT_FIXTURES}colour/${person}`;
  let names: string[] = [];
  try {
    names = [...Deno.readDirSync(colour)].map((e) => e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e; // someone with no colour crop
  }
  const crops = names.filter((n) => !n.endsWith(`-${heldOut}.jpg`)).sort();
  return [`${BBT_FIXTURES}people/${person}`, ...crops.map((n) => `${colour}/${n}`)];
}
