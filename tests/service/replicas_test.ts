/**
 * Two RecognizerServices on one PostgreSQL gallery, in process: what one commits, the other
 * serves (names, LBPH, dnn-free classic faces), Eigen/Fisher retrain on one of them only
 * and the other loads the snapshot, and a forget and a rename travel too. The cluster test
 * (tests/cluster/) does the same through real processes and nginx.
 * @module
 */
import assert from "node:assert/strict";
import { decodeGray } from "../../lib/imaging/decode.ts";
import type { Response, WireFace } from "../../lib/protocol/messages.ts";
import { DEFAULT_LIMITS } from "../../lib/service/limits.ts";
import type { Logger } from "../../lib/service/log.ts";
import { RecognizerService } from "../../lib/service/recognizer_service.ts";
import { wholeImageFace } from "../../scripts/lib/whole_face.ts";
import { findPostgresBin, startPostgres } from "../_support/postgres_server.ts";
import { modelOf } from "./_recognizer.ts";

const ORL = new URL("../../fixtures/orl/", import.meta.url);

async function orlFace(person: number, index: number): Promise<WireFace> {
  return wholeImageFace(decodeGray(await Deno.readFile(new URL(`s${person}/${index}.pgm`, ORL))));
}

/** A logger that keeps its events (to tell which replica trained what). */
function recorder(): Logger & { events: string[] } {
  const events: string[] = [];
  const keep = (event: string, fields: Record<string, unknown> = {}) =>
    events.push(`${event} ${fields.algorithm ?? ""}`.trim());
  return { events, debug: () => {}, info: keep, warn: keep, error: keep };
}

async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return performance.now() - started;
}

async function people(service: RecognizerService): Promise<string[]> {
  const reply = await service.handle({ op: "list" });
  assert.ok(reply.op === "list" && reply.status === "ok");
  return reply.people.map((p) => p.name).sort();
}

/** The ranked candidates of an identify's first face. */
function candidates(reply: Response): { name: string; distance: number }[] {
  assert.ok(reply.op === "identify" && reply.status === "ok", JSON.stringify(reply));
  return reply.faces[0]?.candidates ?? [];
}

/** The candidates `service` gives for ORL photo `person`/`index` with `algorithm`. */
async function ranked(
  service: RecognizerService,
  algorithm: "lbph" | "eigen",
  person: number,
  index: number,
) {
  const faces = [await orlFace(person, index)];
  return candidates(await service.handle({ op: "identify", algorithm, faces }));
}

Deno.test({
  name: "RecognizerService replicas on one PostgreSQL gallery follow each other",
  ignore: !findPostgresBin(),
  fn: async () => {
    await using pg = await startPostgres();
    const logs = [recorder(), recorder()];
    const start = (log: Logger) =>
      RecognizerService.start({
        gallery: pg.url,
        workers: 1,
        limits: DEFAULT_LIMITS,
        log,
        syncIntervalMs: 500,
      });
    await using a = await start(logs[0]!);
    await using b = await start(logs[1]!);

    // Enrolled through a, with --wait: every model of a includes them.
    for (const person of [2, 3, 4]) {
      const faces = await Promise.all([1, 2, 3, 4].map((i) => orlFace(person, i)));
      const reply = await a.handle({ op: "enroll", name: `orl-${person}`, faces, wait: true });
      assert.ok(reply.op === "enroll" && reply.status === "ok", JSON.stringify(reply));
    }
    await until("b lists a's enrollments", 2000, async () => (await people(b)).length === 3);
    // b's LBPH has them (incremental, on every replica): it answers exactly as a's does.
    const fromA = await ranked(a, "lbph", 3, 6);
    assert.equal(fromA[0]?.name, "orl-3");
    await until(
      "b's LBPH answers as a's",
      10_000,
      async () => JSON.stringify(await ranked(b, "lbph", 3, 6)) === JSON.stringify(fromA),
    );
    // Eigen: trained by one replica only, served by both from the one snapshot.
    await until("b serves Eigenfaces", 20_000, async () => {
      const stats = await b.handle({ op: "stats" });
      return stats.op === "stats" && stats.status === "ok" &&
        modelOf(stats.models, "eigen").state === "ready";
    });
    const eigenB = await ranked(b, "eigen", 4, 6);
    assert.equal(eigenB[0]?.name, "orl-4");
    assert.deepEqual(eigenB, await ranked(a, "eigen", 4, 6));
    const trainedEigen = logs.map((l) =>
      l.events.filter((e) => e === "model trained eigen").length
    );
    assert.equal(trainedEigen.filter((n) => n > 0).length, 1, `eigen trained by: ${trainedEigen}`);
    const follower = trainedEigen[0]! > 0 ? 1 : 0;
    assert.ok(logs[follower]!.events.includes("model loaded from the leader eigen"));

    // A rename through b reaches a's name map; a forgetFace through a reaches b.
    const renamed = await b.handle({ op: "rename", name: "orl-4", newName: "Fourth" });
    assert.ok(renamed.op === "rename" && renamed.status === "ok", JSON.stringify(renamed));
    await until(
      "a names Fourth",
      2000,
      async () => (await ranked(a, "eigen", 4, 6))[0]?.name === "Fourth",
    );
    const listedB = await b.handle({ op: "faces", name: "Fourth" });
    assert.ok(listedB.op === "faces" && listedB.status === "ok");
    const faceId = listedB.faces[0]!.id;
    const dropped = await a.handle({ op: "forgetFace", name: "Fourth", faceId });
    assert.ok(dropped.op === "forgetFace" && dropped.status === "ok", JSON.stringify(dropped));
    await until("b lists Fourth with 3 faces", 2000, async () => {
      const reply = await b.handle({ op: "list" });
      return reply.op === "list" && reply.status === "ok" &&
        reply.people.some((p) => p.name === "Fourth" && p.faces === 3);
    });

    // A forget through b reaches a: its list and its LBPH.
    const forgot = await b.handle({ op: "forget", name: "orl-2" });
    assert.ok(forgot.op === "forget" && forgot.status === "ok");
    await until("a drops orl-2", 2000, async () => !(await people(a)).includes("orl-2"));
    await until("a's LBPH no longer has orl-2", 10_000, async () => {
      const left = await ranked(a, "lbph", 2, 6);
      return left.length > 0 && left.every((c) => c.name !== "orl-2");
    });
  },
});
