/**
 * The recognizer's management ops on real lfw10 faces: faces, forget one face (and every
 * model following), rename, export, and verify.
 * @module
 */
import assert from "node:assert/strict";
import { type Algorithm, ALGORITHMS } from "../../lib/core/algorithms.ts";
import { decodeImage } from "../../lib/imaging/decode.ts";
import type { Request, Response, WireFace } from "../../lib/protocol/messages.ts";
import type { RecognizerService } from "../../lib/service/recognizer_service.ts";
import { statusOf } from "../../lib/service/errors.ts";
import { datasetTest } from "../_datasets.ts";
import { lfwFace, modelOf, withRecognizer } from "./_recognizer.ts";

const COLIN = "Colin_Powell";
const TONY = "Tony_Blair";

/** `handle()`'s reply, narrowed to `op` and success (anything else fails the test). */
async function ask<O extends Response["op"]>(
  service: RecognizerService,
  request: Parameters<RecognizerService["handle"]>[0] & { op: O },
): Promise<Extract<Response, { op: O; status: "ok" }>> {
  const reply = await service.handle(request);
  assert.equal(reply.status, "ok", JSON.stringify(reply));
  assert.equal(reply.op, request.op);
  return reply as Extract<Response, { op: O; status: "ok" }>;
}

/** The status `handle()` fails with, and its message. */
async function refusal(
  service: RecognizerService,
  request: Parameters<RecognizerService["handle"]>[0],
) {
  try {
    const reply = await service.handle(request);
    return { status: reply.status, message: "message" in reply ? reply.message : "" };
  } catch (error) {
    return { status: statusOf(error), message: (error as Error).message };
  }
}

/** Enrolls lfw10 photos 1..3 of each person, waiting for every model. */
async function enrollTwo(service: RecognizerService): Promise<void> {
  for (const person of [COLIN, TONY]) {
    const faces = await Promise.all([1, 2, 3].map((i) => lfwFace(person, i)));
    await ask(service, { op: "enroll", name: person, faces, wait: true });
  }
}

/** Colin's candidate distance for `probe` under each algorithm. */
async function colinDistances(service: RecognizerService, probe: WireFace) {
  const out = new Map<Algorithm, number>();
  for (const algorithm of ALGORITHMS) {
    const reply = await ask(service, { op: "identify", algorithm, faces: [probe] });
    const colin = reply.faces[0]!.candidates.find((c) => c.name === COLIN);
    assert.ok(colin, `${algorithm}: Colin among the candidates`);
    out.set(algorithm, colin.distance);
  }
  return out;
}

datasetTest("RecognizerService forgets exactly one face, and every model follows", async () => {
  await withRecognizer(async (service) => {
    await enrollTwo(service);
    const listed = await ask(service, { op: "faces", name: "colin_powell" });
    assert.equal(listed.name, COLIN);
    assert.equal(listed.total, 3);
    assert.deepEqual(
      listed.faces.map((f) => f.filename),
      [1, 2, 3].map((i) => `${COLIN}_000${i}.jpg`),
    );
    assert.ok(listed.faces.every((f) => f.aligned && f.score === 0.9 && f.createdAt > 0));
    const gone = listed.faces[0]!.id;

    // The stored photo itself is at distance 0 from its own face, in every model.
    const probe = await lfwFace(COLIN, 1);
    const before = await colinDistances(service, probe);
    for (const [algorithm, distance] of before) {
      assert.ok(distance < 1e-6, `${algorithm} ${distance}`);
    }

    const removed = await ask(service, { op: "forgetFace", name: COLIN, faceId: gone });
    assert.equal(removed.faceId, gone);
    assert.equal(removed.personFaces, 2);
    // The reply comes once every model has dropped the face.
    for (const algorithm of ALGORITHMS) {
      const m = modelOf(removed.models, algorithm);
      assert.deepEqual([m.state, m.faces], ["ready", 5], `${algorithm}: ${JSON.stringify(m)}`);
    }
    const after = await colinDistances(service, probe);
    for (const [algorithm, distance] of after) {
      assert.ok(distance > 1e-3, `${algorithm}: no longer matched through the forgotten face`);
    }
    const left = await ask(service, { op: "faces", name: COLIN });
    assert.deepEqual(left.faces.map((f) => f.id), listed.faces.slice(1).map((f) => f.id));
    assert.equal((await ask(service, { op: "faces", name: TONY })).total, 3);
    const stats = await ask(service, { op: "stats" });
    assert.deepEqual([stats.people, stats.faces], [2, 5]);

    // Again, someone else's face, an unknown person: notFound, naming what is missing.
    const again = await refusal(service, { op: "forgetFace", name: COLIN, faceId: gone });
    assert.equal(again.status, "notFound");
    assert.match(again.message, new RegExp(`"${COLIN}" has no face with id ${gone}`));
    const tonys = (await ask(service, { op: "faces", name: TONY })).faces[0]!.id;
    assert.equal(
      (await refusal(service, { op: "forgetFace", name: COLIN, faceId: tonys })).status,
      "notFound",
    );
    const nobody = await refusal(service, { op: "faces", name: "Nobody" });
    assert.deepEqual(nobody, { status: "notFound", message: 'no person named "Nobody"' });
    assert.equal((await ask(service, { op: "stats" })).faces, 5);
  });
});

datasetTest("RecognizerService renames atomically and refuses a name in use", async () => {
  await withRecognizer(async (service) => {
    await enrollTwo(service);
    const renamed = await ask(service, {
      op: "rename",
      name: "colin_POWELL",
      newName: " Colin Powell ",
    });
    assert.deepEqual([renamed.name, renamed.newName], [COLIN, "Colin Powell"]);
    const people = (await ask(service, { op: "list" })).people;
    assert.deepEqual(people, [{ name: "Colin Powell", faces: 3 }, { name: TONY, faces: 3 }]);
    // Models hold person ids: identify names the new name at once, without retraining.
    const probe = await lfwFace(COLIN, 6);
    const named = await ask(service, { op: "identify", algorithm: "dnn", faces: [probe] });
    assert.equal(named.faces[0]!.name, "Colin Powell");
    assert.ok((await ask(service, { op: "stats" })).models.every((m) => m.state === "ready"));

    const clash = await refusal(service, {
      op: "rename",
      name: "Colin Powell",
      newName: "TONY_BLAIR",
    });
    assert.equal(clash.status, "badRequest");
    assert.match(clash.message, /"Tony_Blair" is already enrolled/);
    assert.equal(
      (await refusal(service, { op: "rename", name: "Colin Powell", newName: "  " })).status,
      "badRequest",
    );
    assert.equal(
      (await refusal(service, { op: "rename", name: COLIN, newName: "X" })).status,
      "notFound",
    );
    assert.deepEqual((await ask(service, { op: "list" })).people, people, "nothing changed");
  });
});

datasetTest(
  "RecognizerService exports each face as a PNG: the chip where stored, else the crop",
  async () => {
    await withRecognizer(async (service) => {
      const { chip: _, ...grey } = await lfwFace(COLIN, 2);
      await ask(service, { op: "enroll", name: COLIN, faces: [await lfwFace(COLIN, 1), grey] });
      const exported = await ask(service, { op: "export", name: "colin_powell" });
      assert.equal(exported.name, COLIN);
      assert.equal(exported.total, 2);
      const [chip, crop] = exported.faces;
      assert.ok(chip && crop);
      assert.deepEqual([chip.aligned, crop.aligned], [true, false]);
      const chipImage = decodeImage(chip.png);
      const cropImage = decodeImage(crop.png);
      assert.deepEqual([chipImage.width, chipImage.height], [150, 150]);
      assert.deepEqual([cropImage.width, cropImage.height], [92, 112]);
      // The grey crop comes back pixel for pixel.
      const red = cropImage.data.filter((_, i) => i % 4 === 0);
      assert.deepEqual(red, grey.pixels);
      assert.equal((await refusal(service, { op: "export", name: "Nobody" })).status, "notFound");
    });
  },
);

datasetTest(
  "RecognizerService verifies two faces, or a face against an enrolled person",
  async () => {
    await withRecognizer(async (service) => {
      const [c4, c5, t4] = await Promise.all([
        lfwFace(COLIN, 4),
        lfwFace(COLIN, 5),
        lfwFace(TONY, 4),
      ]);
      const same = await ask(service, { op: "verify", algorithm: "dnn", faces: [c4, c5] });
      assert.equal(same.same, true, JSON.stringify(same));
      assert.deepEqual([same.faces, same.threshold], [[1, 1], 0.55]);
      const different = await ask(service, { op: "verify", algorithm: "dnn", faces: [c4, t4] });
      assert.equal(different.same, false, JSON.stringify(different));
      assert.ok(different.distance! > same.distance!);
      // A request's threshold wins.
      const loose = await ask(service, {
        op: "verify",
        algorithm: "dnn",
        threshold: 2,
        faces: [c4, t4],
      });
      assert.deepEqual([loose.same, loose.threshold], [true, 2]);
      // LBPH compares two crops without a gallery; the subspace methods cannot.
      const lbph = await ask(service, { op: "verify", algorithm: "lbph", faces: [c4, c4] });
      assert.deepEqual([lbph.same, lbph.distance, lbph.threshold], [true, 0, 73]);
      const eigen = await refusal(service, { op: "verify", algorithm: "eigen", faces: [c4, c5] });
      assert.equal(eigen.status, "badRequest");
      assert.match(eigen.message, /eigen .* not two photos; compare two photos with dnn or lbph/);

      await enrollTwo(service);
      const named = await ask(service, {
        op: "verify",
        algorithm: "dnn",
        name: "colin_powell",
        faces: [c4],
      });
      assert.deepEqual([named.same, named.name], [true, COLIN]);
      const other = await ask(service, { op: "verify", algorithm: "dnn", name: TONY, faces: [c4] });
      // Centred chips are not aligned ones (the end-to-end test verifies through YuNet): here
      // only the order is asserted, and that `same` follows the distance.
      assert.ok(other.distance! > named.distance!, JSON.stringify([other, named]));
      assert.equal(other.same, other.distance! < other.threshold!);
      for (const algorithm of ["eigen", "fisher", "lbph"] as const) {
        const reply = await ask(service, {
          op: "verify",
          algorithm,
          name: COLIN,
          faces: [await lfwFace(COLIN, 1)],
        });
        assert.ok(reply.distance! < 1e-6 && reply.same, `${algorithm}: a stored face is itself`);
      }

      const wrong: [Request, string, RegExp][] = [
        [{ op: "verify", algorithm: "dnn", faces: [c4] }, "badRequest", /expected 2 faces/],
        [
          { op: "verify", algorithm: "dnn", name: COLIN, faces: [c4, c5] },
          "badRequest",
          /1 face with a name/,
        ],
        [
          { op: "verify", algorithm: "dnn", faces: [c4, { ...c5, chip: undefined }] },
          "badRequest",
          /face 1 has none/,
        ],
        [
          { op: "verify", algorithm: "dnn", name: "Nobody", faces: [c4] },
          "notFound",
          /no person named/,
        ],
      ] as const;
      for (const [request, status, message] of wrong) {
        const got = await refusal(service, request);
        assert.equal(got.status, status, JSON.stringify(got));
        assert.match(got.message, message);
      }
    });
  },
);
