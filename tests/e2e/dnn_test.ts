/**
 * End to end with the defaults a new user gets: YuNet detection, aligned chips and the dnn
 * recognizer, through the real processes and the real client.
 */
import assert from "node:assert/strict";
import { startStack } from "../_support/services.ts";
import { datasetTest } from "../_datasets.ts";
import { client, DATASETS } from "./_client.ts";

const LFW = `${DATASETS}lfw10/`;
const lfw = (person: string, i: number) =>
  `${LFW}${person}/${person}_${String(i).padStart(4, "0")}.jpg`;
// Six people are enrolled from three photos each; four never are (strangers).
const KNOWN = [
  "Ariel_Sharon",
  "Colin_Powell",
  "George_W_Bush",
  "Hugo_Chavez",
  "Tony_Blair",
  "Vladimir_Putin",
];
const STRANGERS = [
  "Arnold_Schwarzenegger",
  "Donald_Rumsfeld",
  "Gerhard_Schroeder",
  "Jacques_Chirac",
];

interface Face {
  name: string | null;
  score: number | null;
  landmarks: number[][] | null;
  box: { x: number; y: number; width: number; height: number };
  candidates: { name: string; distance: number }[];
}

datasetTest(
  "the default pipeline names enrolled people on LFW photos and leaves strangers unnamed",
  async (t) => {
    await using stack = await startStack({ workers: 1 });
    const detector = stack.detector.address;

    await t.step("enroll stores three photos of each known person", async () => {
      for (const person of KNOWN) {
        const { code, json } = await client(
          detector,
          "enroll",
          person,
          ...[1, 2, 3].map((i) => lfw(person, i)),
          "--largest", // LFW photos often show someone behind the subject
        );
        assert.equal(code, 0, JSON.stringify(json));
        assert.equal(json.stored, 3, `${person}: ${JSON.stringify(json.images)}`);
        const dnn = json.models.find((m: { algorithm: string }) => m.algorithm === "dnn");
        assert.equal(dnn.state, "ready");
      }
    });

    await t.step("identify names held-out photos right, with no wrong names", async () => {
      let right = 0, wrong = 0, total = 0;
      for (const person of KNOWN) {
        for (const i of [6, 7, 8, 9, 10]) {
          const { code, json } = await client(detector, "identify", lfw(person, i));
          assert.ok(code === 0 || code === 3, `exit ${code}`);
          // The largest face is the photo's subject (LFW photos may show others behind).
          const face: Face = json.faces.reduce((a: Face, b: Face) =>
            a.box.width * a.box.height >= b.box.width * b.box.height ? a : b
          );
          total++;
          if (face.name === person) right++;
          else if (face.name !== null) wrong++;
          assert.ok(face.score !== null && face.score > 0.5 && face.score <= 1);
          assert.equal(face.landmarks?.length, 5);
        }
      }
      assert.equal(wrong, 0, "no wrong names");
      assert.ok(right / total >= 0.9, `named right: ${right}/${total}`);
    });

    await t.step("strangers are left unnamed", async () => {
      let named = 0, total = 0;
      for (const person of STRANGERS) {
        for (const i of [1, 2, 3, 4, 5]) {
          const { json } = await client(detector, "identify", lfw(person, i));
          for (const f of json.faces as Face[]) {
            total++;
            if (f.name !== null) named++;
          }
        }
      }
      assert.ok(total >= 20);
      assert.ok(named <= 1, `strangers named: ${named} of ${total}`);
    });

    await t.step(
      "the same photos again are duplicates, and --largest takes a group photo's largest face",
      async () => {
        const again = await client(detector, "enroll", KNOWN[0]!.toLowerCase(), lfw(KNOWN[0]!, 1));
        assert.equal(again.json.images[0].outcome, "duplicate");
        assert.equal(again.json.name, KNOWN[0]);
        const group = `${DATASETS}bbt/group/bbt2.jpg`;
        const refused = await client(detector, "enroll", "someone", group);
        assert.equal(refused.json.images[0].outcome, "several_faces");
        const taken = await client(detector, "enroll", "someone", group, "--largest");
        assert.equal(taken.json.images[0].outcome, "stored");
        assert.ok(taken.json.images[0].ignored >= 1);
        assert.equal((await client(detector, "forget", "someone")).code, 0);
      },
    );

    await t.step("a restart serves dnn from the stored descriptors", async () => {
      await stack.restartRecognizer();
      const { json } = await client(detector, "identify", lfw("Colin_Powell", 6));
      assert.equal(json.faces[0].name, "Colin_Powell");
      const stats = await client(detector, "stats");
      const dnn = stats.json.models.find((m: { algorithm: string }) => m.algorithm === "dnn");
      assert.equal(dnn.state, "ready");
      assert.equal(dnn.faces, KNOWN.length * 3);
    });
  },
);

datasetTest(
  "the default pipeline names the people of a group photo from a few crops each",
  async () => {
    await using stack = await startStack({ workers: 1 });
    const detector = stack.detector.address;
    const people = [...Deno.readDirSync(`${DATASETS}bbt/people`)].map((e) => e.name).sort();
    for (const person of people) {
      const { code, json } = await client(
        detector,
        "enroll",
        person,
        `${DATASETS}bbt/people/${person}`,
      );
      assert.equal(code, 0, JSON.stringify(json));
      assert.ok(json.stored >= 3, `${person}: ${JSON.stringify(json.images)}`);
    }
    let named = 0, faces = 0;
    const seen = new Set<string>();
    for (const photo of ["bbt1.jpg", "bbt2.jpg", "bbt3.jpg", "bbt4.jpg", "bbt5.jpg"]) {
      const { json } = await client(detector, "identify", `${DATASETS}bbt/group/${photo}`);
      for (const f of json.faces as Face[]) {
        faces++;
        if (f.name !== null) {
          named++;
          seen.add(f.name);
        }
      }
      // One person is not in two places of one photo.
      const names = (json.faces as Face[]).flatMap((f) => f.name === null ? [] : [f.name]);
      assert.equal(new Set(names).size, names.length, `${photo}: ${names.join(", ")}`);
    }
    assert.ok(named / faces >= 0.6, `named ${named} of ${faces} group faces`);
    assert.ok(seen.size >= 5, `people named: ${[...seen].join(", ")}`);
  },
);
