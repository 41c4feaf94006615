/**
 * End to end: the real recognizer and detector processes on ephemeral ports, driven by the
 * real client code, on images from the shared datasets (tests/_datasets.ts).
 */
import assert from "node:assert/strict";
import { startStack } from "../_support/services.ts";
import { datasetTest } from "../_datasets.ts";
import { client, DATASETS, orl } from "./_client.ts";
import { CLASSIC_ALGORITHMS } from "../../lib/core/algorithms.ts";

// Five ORL people whose enrollment photos the Haar cascade finds (s1 has three misses).
const PEOPLE = [2, 3, 4, 5, 6];
const ALGORITHMS = CLASSIC_ALGORITHMS;

// The classic algorithms' regime: Haar crops, as in the parity runs (tests/e2e/dnn_test.ts
// covers the default, YuNet and dnn).
datasetTest("the system enrolls, identifies, survives a restart and forgets", async (t) => {
  await using stack = await startStack({ workers: 1, detectorArgs: ["--face-detector", "haar"] });
  const detector = stack.detector.address;
  const answers = new Map<string, string | null>();

  await t.step("enroll stores 5 ORL people through the detector", async () => {
    for (const p of PEOPLE) {
      const images = [1, 2, 3, 4, 5].map((i) => orl(p, i));
      // --wait: the classic steps below need Eigen/Fisher trained on every person, not the
      // previous model that serves while they retrain.
      const { code, json } = await client(detector, "enroll", `orl-${p}`, ...images, "--wait");
      assert.equal(code, 0, JSON.stringify(json));
      assert.ok(json.stored >= 4, `person ${p}: stored ${json.stored} of 5`);
      assert.equal(json.images.length, 5);
    }
    const { json } = await client(detector, "list");
    assert.deepEqual(
      json.people.map((p: { name: string }) => p.name),
      PEOPLE.map((p) => `orl-${p}`),
    );
  });

  await t.step("enroll reports each image's outcome and stores only single faces", async () => {
    const junk = `${stack.dataDir}/junk.jpg`;
    await Deno.writeFile(junk, crypto.getRandomValues(new Uint8Array(2048)));
    const images = [
      orl(7, 1),
      `${DATASETS}detection/no_face/orange.jpg`,
      `${DATASETS}bbt/group/bbt2.jpg`,
      junk,
    ];
    const { code, json } = await client(detector, "enroll", "mixed", ...images, "--wait");
    assert.equal(code, 0);
    assert.deepEqual(json.images.map((i: { outcome: string }) => i.outcome), [
      "stored",
      "no_face",
      "several_faces",
      "unreadable",
    ]);
    assert.equal(json.stored, 1);
    assert.ok(json.images[2].faces >= 2);
    const nothing = await client(
      detector,
      "enroll",
      "nobody",
      `${DATASETS}detection/no_face/orange.jpg`,
    );
    assert.equal(nothing.code, 2);
    assert.equal(nothing.json.stored, 0);
    const forgot = await client(detector, "forget", "mixed");
    assert.equal(forgot.code, 0);
    const { json: list } = await client(detector, "list");
    assert.ok(
      !list.people.some((p: { name: string }) => p.name === "nobody" || p.name === "mixed"),
    );
  });

  for (const algorithm of ALGORITHMS) {
    await t.step(`identify with ${algorithm} names most held-out photos correctly`, async () => {
      let named = 0; // given the right name under the default threshold
      let nearest = 0; // the right person is the nearest candidate
      let wrong = 0; // given someone else's name
      let probes = 0;
      for (const p of PEOPLE) {
        for (const i of [6, 7, 8, 9, 10]) {
          const { code, json } = await client(
            detector,
            "identify",
            orl(p, i),
            "--algorithm",
            algorithm,
          );
          if (code === 2) continue; // the cascade found no face: not a recognition probe
          probes++;
          assert.ok(code === 0 || code === 3, `exit ${code}`);
          const face = json.faces[0];
          assert.equal(face.algorithm, algorithm);
          assert.equal(typeof face.box.width, "number");
          answers.set(`${algorithm}:${p}:${i}`, face.name);
          if (face.name === `orl-${p}`) named++;
          else if (face.name !== null) wrong++;
          if (face.candidates[0]?.name === `orl-${p}`) nearest++;
        }
      }
      const summary = `${algorithm}: ${named}/${probes} named right, ${wrong} wrong, ` +
        `nearest right ${nearest}/${probes}`;
      console.log(summary);
      assert.ok(probes >= 20, `only ${probes} probes had a detectable face`);
      // The unknown thresholds target a 5% false accept rate, so some true matches fall
      // just over them; most must still be named, nearly none wrongly.
      assert.ok(named / probes > 0.5, summary);
      assert.ok(nearest / probes >= 0.8, summary);
      assert.ok(wrong <= 1, summary);
    });
  }

  await t.step("a photo with no face comes back as no face", async () => {
    const { code, json } = await client(
      detector,
      "identify",
      `${DATASETS}detection/no_face/orange.jpg`,
    );
    assert.equal(code, 2);
    assert.deepEqual(json.faces, []);
  });

  await t.step("a group photo yields several faces with boxes", async () => {
    const out = `${stack.dataDir}/group.png`;
    const { code, json } = await client(
      detector,
      "identify",
      `${DATASETS}bbt/group/bbt1.jpg`,
      "--algorithm",
      "lbph",
      "--annotate",
      out,
    );
    assert.ok(code === 0 || code === 3, `exit ${code}`);
    assert.ok(json.faces.length >= 3, `found ${json.faces.length} faces`);
    for (const face of json.faces) {
      assert.ok(face.box.width >= 30 && face.box.height >= 30);
      assert.ok(face.box.x + face.box.width <= json.image.width);
    }
    const png = await Deno.readFile(out);
    assert.deepEqual([...png.subarray(1, 4)], [0x50, 0x4e, 0x47]); // "PNG"
  });

  await t.step("after a restart the same answers come back without retraining", async () => {
    const recognizer = await stack.restartRecognizer("SIGTERM");
    const { json: stats } = await client(detector, "stats");
    // dnn has nothing to use: the Haar detector gives no landmarks, so no chips.
    assert.deepEqual(stats.models.map((m: { state: string }) => m.state), [
      "unavailable",
      "ready",
      "ready",
      "ready",
    ]);
    for (const algorithm of ALGORITHMS) {
      for (const p of PEOPLE) {
        const before = answers.get(`${algorithm}:${p}:6`);
        if (before === undefined) continue;
        const { json } = await client(detector, "identify", orl(p, 6), "--algorithm", algorithm);
        assert.equal(json.faces[0].name, before, `${algorithm} person ${p}`);
      }
    }
    assert.doesNotMatch(recognizer.log(), /model trained/);
  });

  await t.step("after forget the person is gone", async () => {
    const gone = `orl-${PEOPLE[0]}`;
    const { code, json } = await client(detector, "forget", gone);
    assert.equal(code, 0);
    assert.equal(json.removed_faces >= 4, true);
    const { json: list } = await client(detector, "list");
    assert.ok(!list.people.some((p: { name: string }) => p.name === gone));
    for (const algorithm of ALGORITHMS) {
      const { json: id } = await client(
        detector,
        "identify",
        orl(PEOPLE[0]!, 6),
        "--algorithm",
        algorithm,
      );
      assert.equal(id.faces.length, 1);
      assert.ok(id.faces.every((f: { name: string | null }) => f.name !== gone), algorithm);
    }
    const again = await client(detector, "forget", gone);
    assert.equal(again.code, 1);
    assert.equal(again.json.error.status, "notFound");
  });
});
