/**
 * The recognizer keeps answering while it retrains: `stats` never waits for training (the
 * event loop is free, training runs in its own worker) and `identify` is served by the
 * previous model until the new one is ready.
 * @module
 */
import assert from "node:assert/strict";
import { DEFAULT_LIMITS } from "../../lib/service/limits.ts";
import { createLogger } from "../../lib/service/log.ts";
import { RecognizerService } from "../../lib/service/recognizer_service.ts";
import { datasetTest } from "../_datasets.ts";
import { orlWireFaces } from "./_orl_faces.ts";

/** The first `count` photos of ORL person `person`. */
const orlFaces = (person: number, count = 10) => orlWireFaces(person, 1, count);

datasetTest("RecognizerService answers stats and identify while a retrain runs", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "facerec-retrain-" });
  try {
    await using service = await RecognizerService.start({
      dataDir,
      workers: 2, // models are loaded by one prediction worker and shared with the other
      limits: DEFAULT_LIMITS,
      log: createLogger("test", "silent"),
    });
    for (const person of [1, 2]) {
      const reply = await service.handle({
        op: "enroll",
        name: `p${person}`,
        faces: await orlFaces(person),
      });
      assert.equal(reply.status, "ok");
    }
    const probe = (await orlFaces(1, 1))[0]!;

    // 38 more people at once, 5 faces each: a retrain on 210 faces, about a second or two.
    let settled = false;
    const people = Array.from({ length: 38 }, (_, i) => i + 3);
    const faces = await Promise.all(people.map((p) => orlFaces(p, 5)));
    const enrolls = Promise.all(
      people.map((p, i) => service.handle({ op: "enroll", name: `p${p}`, faces: faces[i]! })),
    ).finally(() => (settled = true));

    // Enrolls are acknowledged once LBPH and dnn have the faces, so the Eigen/Fisher retrain
    // outlives them: poll until the enrolls are in and the retrain they started has ended.
    const statsMs: number[] = [];
    let identified = 0, sawTraining = false;
    const deadline = performance.now() + 180_000;
    while (performance.now() < deadline) {
      const t = performance.now();
      const stats = await service.handle({ op: "stats" });
      statsMs.push(performance.now() - t);
      const training = stats.op === "stats" && stats.status === "ok" &&
        stats.models.some((m) => m.state === "training");
      if (training) sawTraining = true;
      const reply = await service.handle({ op: "identify", algorithm: "eigen", faces: [probe] });
      assert.equal(reply.status, "ok", "identify is served by the previous model");
      if (
        training && reply.op === "identify" && reply.status === "ok" &&
        reply.faces[0]?.name === "p1"
      ) {
        identified++;
      }
      if (settled && !training && (sawTraining || statsMs.length >= 50)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    for (const reply of await enrolls) assert.equal(reply.status, "ok");
    assert.ok(
      statsMs.length >= 3,
      `expected several stats during the retrain, got ${statsMs.length}`,
    );
    assert.ok(sawTraining, "stats reported the served models as training while retraining");
    assert.ok(identified >= 1, "identify answered with the previous model during the retrain");
    const slowest = Math.max(...statsMs);
    // Waiting for the retrain would take seconds; the bound leaves room for a loaded machine.
    assert.ok(slowest < 1000, `stats: expected < 1 s during a retrain, slowest ${slowest} ms`);

    // Enrolls are acknowledged before Eigen/Fisher finish; wait for the background retrain.
    let after = await service.handle({ op: "stats" });
    for (let i = 0; i < 600 && after.op === "stats" && after.status === "ok"; i++) {
      if (!after.models.some((m) => m.state === "training")) break;
      await new Promise((r) => setTimeout(r, 100));
      after = await service.handle({ op: "stats" });
    }
    assert.ok(after.op === "stats" && after.status === "ok");
    const classic = after.models.filter((m) => m.algorithm !== "dnn");
    assert.ok(classic.every((m) => m.state === "ready"), JSON.stringify(classic));
    assert.equal(after.faces, 210);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
