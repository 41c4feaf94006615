/**
 * Models are independent: one that cannot train on a small gallery says why and never holds
 * back another (issue: two people with one photo each used to stop LBPH too).
 * @module
 */
import assert from "node:assert/strict";
import { decodeGray } from "../../lib/imaging/decode.ts";
import type { WireFace } from "../../lib/protocol/messages.ts";
import { wholeImageFace } from "../../scripts/lib/whole_face.ts";
import { modelOf, withRecognizer } from "./_recognizer.ts";
import { CLASSIC_ALGORITHMS } from "../../lib/core/algorithms.ts";
import { DEFAULT_THRESHOLDS, galleryThreshold } from "../../lib/recognition/mod.ts";

const ORL = new URL("../../fixtures/orl/", import.meta.url);

async function orlFace(person: number, index: number): Promise<WireFace> {
  return wholeImageFace(decodeGray(await Deno.readFile(new URL(`s${person}/${index}.pgm`, ORL))));
}

const state = modelOf;
const withService = withRecognizer;

Deno.test("RecognizerService trains LBPH on one photo each of two people while Fisher says why it cannot", async () => {
  await withService(async (service) => {
    for (const person of [2, 3]) {
      const reply = await service.handle({
        op: "enroll",
        name: `p${person}`,
        faces: [await orlFace(person, 1)],
      });
      assert.ok(reply.op === "enroll" && reply.status === "ok");
    }
    const stats = await service.handle({ op: "stats" });
    assert.ok(stats.op === "stats" && stats.status === "ok");
    assert.equal(state(stats.models, "lbph").state, "ready");
    const fisher = state(stats.models, "fisher");
    assert.equal(fisher.state, "unavailable");
    assert.equal(
      fisher.message,
      "fisher needs 2 people and more faces than people (one person with 2 faces); " +
        "has 2 people with 1 face each",
    );
    // The very photo enrolled is named by LBPH.
    const reply = await service.handle({
      op: "identify",
      algorithm: "lbph",
      faces: [await orlFace(3, 1)],
    });
    assert.ok(reply.op === "identify" && reply.status === "ok");
    assert.equal(reply.faces[0]?.name, "p3");
    // Every model that is not ready says why.
    for (const m of stats.models) {
      if (m.state !== "ready") assert.ok(m.message && m.message.length > 10, m.algorithm);
    }
  });
});

Deno.test("RecognizerService refuses to let Eigenfaces with one person name anybody", async () => {
  await withService(async (service) => {
    await service.handle({
      op: "enroll",
      name: "alone",
      faces: [await orlFace(4, 1), await orlFace(4, 2)],
    });
    const stats = await service.handle({ op: "stats" });
    assert.ok(stats.op === "stats" && stats.status === "ok");
    const eigen = state(stats.models, "eigen");
    assert.equal(eigen.state, "unavailable");
    assert.match(eigen.message!, /eigen needs at least 2 people to tell apart; has 1 person/);
    const stranger = await orlFace(5, 1);
    await assert.rejects(
      () => service.handle({ op: "identify", algorithm: "eigen", faces: [stranger] }),
      (e: Error) => e.name === "ModelNotReadyError" && /at least 2 people/.test(e.message),
    );
    // A second person makes it available.
    await service.handle({
      op: "enroll",
      name: "second",
      faces: [await orlFace(5, 1)],
      wait: true,
    });
    const after = await service.handle({ op: "stats" });
    assert.ok(after.op === "stats" && after.status === "ok");
    assert.equal(state(after.models, "eigen").state, "ready");
  });
});

Deno.test("RecognizerService acknowledges an enroll before Eigen/Fisher finish, and --wait after", async () => {
  await withService(async (service) => {
    for (const person of [2, 3]) {
      await service.handle({
        op: "enroll",
        name: `p${person}`,
        faces: await Promise.all([1, 2, 3].map((i) => orlFace(person, i))),
        wait: true,
      });
    }
    const quick = await service.handle({
      op: "enroll",
      name: "p6",
      faces: await Promise.all([1, 2, 3].map((i) => orlFace(6, i))),
    });
    assert.ok(quick.op === "enroll" && quick.status === "ok");
    assert.equal(state(quick.models, "lbph").state, "ready", "LBPH includes the new faces");
    for (const a of ["eigen", "fisher"]) {
      assert.ok(["training", "ready"].includes(state(quick.models, a).state), a);
    }
    const waited = await service.handle({
      op: "enroll",
      name: "p7",
      faces: await Promise.all([1, 2, 3].map((i) => orlFace(7, i))),
      wait: true,
    });
    assert.ok(waited.op === "enroll" && waited.status === "ok");
    for (const a of CLASSIC_ALGORITHMS) {
      assert.equal(state(waited.models, a).state, "ready", a);
      assert.equal(state(waited.models, a).faces, 12, a);
    }
  });
});

Deno.test("RecognizerService reports small-gallery thresholds for Eigen and Fisher, and says why", async () => {
  await withService(async (service) => {
    for (const person of [2, 3, 6]) {
      await service.handle({
        op: "enroll",
        name: `p${person}`,
        faces: await Promise.all([1, 2].map((i) => orlFace(person, i))),
        wait: true,
      });
    }
    const stats = await service.handle({ op: "stats" });
    assert.ok(stats.op === "stats" && stats.status === "ok");
    const size = { faces: 6, people: 3 };
    assert.equal(state(stats.models, "eigen").threshold, galleryThreshold("eigen", size));
    assert.ok(state(stats.models, "eigen").threshold! < DEFAULT_THRESHOLDS.eigen);
    const fisher = state(stats.models, "fisher");
    assert.equal(fisher.state, "ready");
    assert.equal(fisher.threshold, galleryThreshold("fisher", size));
    assert.equal(
      fisher.message,
      "the threshold is calibrated on galleries of at least 4 people and 20 faces; this one " +
        `has 3 and 6, so it is the small-gallery default ${fisher.threshold}`,
    );
    assert.equal(state(stats.models, "lbph").threshold, DEFAULT_THRESHOLDS.lbph);
  });
});
