/**
 * The five group photos of the bbt set, each held out in turn: the eight people are enrolled
 * from the greyscale crops and the colour face crops the repository ships (cut from the other
 * group photos), then the held-out photo is identified with the defaults a new user gets.
 */
import assert from "node:assert/strict";
import { startStack } from "../_support/services.ts";
import { datasetTest } from "../_datasets.ts";
import { client, DATASETS } from "./_client.ts";
import { BBT_FIXTURES, bbtEnrollInputs } from "../../scripts/lib/bbt_fixtures.ts";

const GROUPS = [1, 2, 3, 4, 5];

/** Who is in each photo, left to right by box x (checked by eye). */
const CAST: Record<number, readonly string[]> = {
  1: ["raj", "leonard", "howard", "sheldon"],
  2: ["raj", "leonard", "sheldon"],
  3: ["sheldon", "howard", "penny", "raj", "leonard"],
  // Top row and bottom row mixed: sorted by x, Leonard (bottom left) comes before Amy.
  4: ["leonard", "amy", "raj", "penny", "sheldon", "bernadette"],
  5: ["raj", "penny", "sheldon", "leonard", "howard"],
};

interface Face {
  name: string | null;
  box: { x: number };
  candidates: { name: string; distance: number }[];
}

datasetTest(
  "each bbt group photo, held out, has its people named from crops of the others, none wrongly",
  async () => {
    await using stack = await startStack({ workers: 1 });
    const detector = stack.detector.address;
    const people = [...Deno.readDirSync(`${BBT_FIXTURES}people`)].map((e) => e.name).sort();
    let right = 0, wrong = 0, total = 0;
    const misses: string[] = [];
    for (const group of GROUPS) {
      for (const person of people) {
        const { code, json } = await client(
          detector,
          "enroll",
          person,
          ...bbtEnrollInputs(person, `bbt${group}`),
        );
        assert.equal(code, 0, JSON.stringify(json));
      }
      const { code, json } = await client(
        detector,
        "identify",
        `${DATASETS}bbt/group/bbt${group}.jpg`,
      );
      assert.equal(code, 0, JSON.stringify(json));
      const faces: Face[] = [...json.faces].sort((a: Face, b: Face) => a.box.x - b.box.x);
      const cast = CAST[group]!;
      assert.equal(faces.length, cast.length, `bbt${group}: ${faces.length} faces found`);
      faces.forEach((face, i) => {
        total++;
        const nearest = face.candidates[0];
        if (face.name === cast[i]) right++;
        else {
          if (face.name !== null) wrong++;
          misses.push(
            `bbt${group} ${cast[i]}: ${face.name} (${nearest?.name} ${nearest?.distance})`,
          );
        }
        // Even a face left unknown must have the right person nearest.
        assert.equal(nearest?.name, cast[i], `bbt${group} face ${i}`);
      });
      for (const person of people) {
        const forgot = await client(detector, "forget", person);
        assert.equal(forgot.code, 0, JSON.stringify(forgot.json));
      }
    }
    assert.equal(wrong, 0, `no wrong names: ${misses.join("; ")}`);
    // 22 of the 23 were named when this was written; the miss is Raj at the edge of bbt2, half
    // out of the frame and out of focus (0.550 against the threshold 0.55).
    assert.ok(right >= total - 2, `named right ${right}/${total}: ${misses.join("; ")}`);
  },
);
