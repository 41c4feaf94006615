/**
 * The recognizer's `dnn` path without a detector: face chips cut from the centre of lfw10
 * photos (where the LFW funnel puts the face) stand in for YuNet's aligned chips.
 * @module
 */
import assert from "node:assert/strict";
import type { IdentifyResponse } from "../../lib/protocol/messages.ts";
import { lfwFace, modelOf, withRecognizer } from "./_recognizer.ts";
import { datasetTest } from "../_datasets.ts";
import { CLASSIC_ALGORITHMS } from "../../lib/core/algorithms.ts";

const model = modelOf;

datasetTest("RecognizerService enrolls dnn descriptors once and names people by them", async () => {
  await withRecognizer(async (service) => {
    const people = ["Colin_Powell", "Tony_Blair", "Hugo_Chavez"];
    for (const person of people) {
      const faces = await Promise.all([1, 2, 3].map((i) => lfwFace(person, i)));
      const reply = await service.handle({ op: "enroll", name: person, faces });
      assert.equal(reply.status, "ok");
      assert.ok(reply.op === "enroll" && reply.stored === 3);
      // Acknowledged with dnn (and LBPH) already including the faces.
      assert.equal(reply.op === "enroll" && model(reply.models, "dnn").state, "ready");
      assert.equal(reply.op === "enroll" && model(reply.models, "lbph").state, "ready");
    }
    let right = 0;
    for (const person of people) {
      for (const i of [6, 7]) {
        const reply = await service.handle({
          op: "identify",
          algorithm: "dnn",
          faces: [await lfwFace(person, i)],
        }) as IdentifyResponse;
        assert.equal(reply.status, "ok");
        const face = reply.faces[0]!;
        assert.equal(face.score, 0.9, "the detector's score comes back");
        assert.ok(face.candidates.length === 3 && face.distance !== undefined && face.distance < 2);
        if (face.candidates[0]?.name === person) right++;
        assert.ok(face.name === null || face.name === person, `no wrong name for ${person}`);
      }
    }
    assert.ok(right >= 5, `nearest right for ${right} of 6 held-out photos`);

    // The same photo again is a duplicate; a different case of the name is the same person.
    const again = await service.handle({
      op: "enroll",
      name: "colin_powell",
      faces: [await lfwFace("Colin_Powell", 1)],
    });
    assert.ok(again.op === "enroll" && again.status === "ok");
    assert.equal(again.stored, 0);
    assert.equal(again.name, "Colin_Powell");
    assert.deepEqual(again.images.map((r) => r.outcome), ["duplicate"]);

    // dnn without chips is refused with the reason; forget takes the descriptors away.
    const { chip: _, ...noChip } = await lfwFace("Tony_Blair", 6);
    await assert.rejects(
      () => service.handle({ op: "identify", algorithm: "dnn", faces: [noChip] }),
      (e: Error & { status?: string }) =>
        e.status === "badRequest" && /--face-detector yunet/.test(e.message),
    );
    await service.handle({ op: "forget", name: "Tony_Blair" });
    const after = await service.handle({
      op: "identify",
      algorithm: "dnn",
      faces: [await lfwFace("Tony_Blair", 6)],
    }) as IdentifyResponse;
    assert.ok(after.faces[0]!.candidates.every((c) => c.name !== "Tony_Blair"));
    const stats = await service.handle({ op: "stats" });
    assert.ok(stats.op === "stats" && stats.status === "ok");
    assert.equal(model(stats.models, "dnn").faces, 6);
  });
});

datasetTest(
  "RecognizerService on a gallery from before chips says what dnn cannot use",
  async () => {
    const v2 = new URL("../fixtures/gallery/v2.db", import.meta.url);
    await withRecognizer(async (service) => {
      const stats = await service.handle({ op: "stats" });
      assert.ok(stats.op === "stats" && stats.status === "ok");
      assert.equal(stats.faces, 5);
      const dnn = model(stats.models, "dnn");
      assert.equal(dnn.state, "unavailable");
      assert.match(dnn.message!, /5 stored faces were enrolled without an aligned chip/);
      assert.match(dnn.message!, /enroll those photos again/);
      // The classic models it stored still serve, without retraining.
      for (const a of CLASSIC_ALGORITHMS) {
        assert.equal(model(stats.models, a).state, "ready");
      }
    }, (dataDir) => Deno.copyFile(v2, `${dataDir}/gallery.db`));
  },
);
