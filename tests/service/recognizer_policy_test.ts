/**
 * The recognizer's answers against what docs/PROTOCOL.md promises a client (§6.5, §6.6,
 * §9.1, §11.1, §11.2), on the ORL crops this repository ships: no detector, no datasets.
 * @module
 */
import assert from "node:assert/strict";
import { decodeGray } from "../../lib/imaging/mod.ts";
import type {
  IdentifiedFace,
  IdentifyRequest,
  ModelState,
  Request,
  Response,
  WireFace,
} from "../../lib/protocol/messages.ts";
import { errorResponse } from "../../lib/service/errors.ts";
import { DEFAULT_LIMITS } from "../../lib/service/limits.ts";
import { createLogger } from "../../lib/service/log.ts";
import { RecognizerService } from "../../lib/service/recognizer_service.ts";
import { wholeImageFace } from "../../scripts/lib/whole_face.ts";
import { ALGORITHMS, CLASSIC_ALGORITHMS } from "../../lib/core/algorithms.ts";

const ORL = new URL("../../fixtures/orl/", import.meta.url);
const PEOPLE = [2, 3, 4, 5, 6, 7, 40];

function orlFace(person: number, index: number): WireFace {
  const face = wholeImageFace(
    decodeGray(Deno.readFileSync(new URL(`s${person}/${index}.pgm`, ORL))),
  );
  return { ...face, imageIndex: index - 1 };
}

/** §6.5: THRESHOLD is present exactly when a model is served. */
function assertThresholdRule(models: readonly ModelState[], where: string): void {
  for (const m of models) {
    const served = m.state === "ready" || m.state === "stale" ||
      (m.state === "training" && m.faces > 0);
    assert.equal(
      m.threshold !== undefined,
      served,
      `${where}: ${m.algorithm} ${m.state} with ${m.faces} faces, threshold ${m.threshold}`,
    );
  }
}

Deno.test("RecognizerService answers as PROTOCOL.md promises a client", async (t) => {
  const dataDir = await Deno.makeTempDir({ prefix: "facerec-policy-" });
  await using _cleanup = {
    [Symbol.asyncDispose]: () => Deno.remove(dataDir, { recursive: true }).catch(() => {}),
  };
  await using service = await RecognizerService.start({
    dataDir,
    workers: 1,
    limits: DEFAULT_LIMITS,
    log: createLogger("test", "silent"),
  });
  const models: [string, ModelState[]][] = [];
  /** One request, with thrown errors turned into replies as the server does. */
  async function ask<R extends Response>(request: Request): Promise<R> {
    const reply = await service.handle(request).catch((e) => errorResponse(request.op, e));
    if ("models" in reply) models.push([`${request.op} reply`, reply.models]);
    return reply as R;
  }
  async function identify(request: Omit<IdentifyRequest, "op">): Promise<IdentifiedFace[]> {
    const reply = await ask({ op: "identify", ...request });
    assert.ok(reply.op === "identify" && reply.status === "ok", JSON.stringify(reply));
    // §5.7: the recognizer never sees the image.
    assert.deepEqual([reply.imageWidth, reply.imageHeight, reply.image], [0, 0, undefined]);
    return reply.faces;
  }

  await t.step("before anyone is enrolled: no FACE is ok, a face is notReady", async () => {
    for (const algorithm of ALGORITHMS) {
      assert.deepEqual(await identify({ algorithm }), []);
      // These crops have no CHIP, which dnn needs before anything else (§6.2).
      const reply = await ask({ op: "identify", algorithm, faces: [orlFace(2, 7)] });
      assert.equal(reply.status, algorithm === "dnn" ? "badRequest" : "notReady", reply.status);
    }
    const list = await ask({ op: "list" });
    assert.deepEqual(list, { op: "list", status: "ok", people: [] });
    await ask({ op: "stats" });
  });

  await t.step("names: the first spelling is kept and every reply carries it", async () => {
    const first = await ask({
      op: "enroll",
      name: "\ufeff Ada ",
      faces: [1, 2, 3].map((i) => orlFace(2, i)),
    });
    assert.ok(first.op === "enroll" && first.status === "ok", JSON.stringify(first));
    assert.deepEqual([first.name, first.stored, first.personFaces], ["Ada", 3, 3]);
    const second = await ask({ op: "enroll", name: "ADA", faces: [orlFace(2, 4)] });
    assert.ok(second.op === "enroll" && second.status === "ok");
    assert.deepEqual([second.name, second.stored, second.personFaces], ["Ada", 1, 4]);
  });

  await t.step(
    "a resent enroll stores nothing again, reports duplicates, stalls nothing",
    async () => {
      const again = await ask({
        op: "enroll",
        name: "ada",
        faces: [1, 2, 3, 4].map((i) => orlFace(2, i)),
      });
      assert.ok(again.op === "enroll" && again.status === "ok", JSON.stringify(again));
      assert.deepEqual([again.name, again.stored, again.personFaces], ["Ada", 0, 4]);
      assert.deepEqual(again.images.map((r) => [r.index, r.outcome]), [
        [0, "duplicate"],
        [1, "duplicate"],
        [2, "duplicate"],
        [3, "duplicate"],
      ]);
      // Training goes on after it: an enroll waiting for every model is answered.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const reply = await Promise.race([
        ask({ op: "enroll", name: "Waits", faces: [orlFace(40, 1)], wait: true }),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error("training stalled after the resend")), 60_000);
        }),
      ]).finally(() => clearTimeout(timer));
      assert.equal(reply.status, "ok", JSON.stringify(reply));
      assert.equal((await ask({ op: "forget", name: "waits" })).status, "ok");
    },
  );

  await t.step("enrolling six more people", async () => {
    for (const [k, person] of PEOPLE.slice(1).entries()) {
      const reply = await ask({
        op: "enroll",
        name: `Person ${String.fromCharCode(0x42 + k)}${person}`,
        faces: [1, 2, 3].map((i) => orlFace(person, i)),
        wait: k === PEOPLE.length - 2,
      });
      assert.equal(reply.status, "ok", JSON.stringify(reply));
    }
  });

  await t.step("CANDIDATEs: at most 5, one per person, nearest first", async () => {
    for (const algorithm of CLASSIC_ALGORITHMS) {
      const [face] = await identify({ algorithm, faces: [orlFace(2, 7)] });
      assert.ok(face, algorithm);
      const { candidates } = face;
      assert.equal(candidates.length, 5, `${algorithm}: 7 people enrolled`);
      assert.equal(new Set(candidates.map((c) => c.name)).size, candidates.length);
      const distances = candidates.map((c) => c.distance);
      assert.deepEqual(distances, [...distances].sort((a, b) => a - b), algorithm);
      assert.equal(face.distance, distances[0]);
      assert.equal(face.algorithm, algorithm);
    }
  });

  await t.step("NAME only strictly below the threshold; 0 is a threshold too", async () => {
    const probe = { algorithm: "lbph" as const, faces: [orlFace(2, 6)] };
    const [plain] = await identify(probe);
    const best = plain!.distance!;
    assert.ok(best > 0 && plain!.candidates[0]?.name === "Ada");
    const at = await identify({ ...probe, threshold: best });
    assert.deepEqual([at[0]?.name, at[0]?.threshold], [null, best], "equal is not below");
    const above = best + best * Number.EPSILON * 4;
    assert.ok(above > best);
    const over = await identify({ ...probe, threshold: above });
    assert.equal(over[0]?.name, "Ada");
    // An enrolled crop itself: distance 0, still unknown with threshold 0.
    const [same] = await identify({ algorithm: "lbph", faces: [orlFace(2, 1)], threshold: 0 });
    assert.deepEqual([same?.distance, same?.name, same?.threshold], [0, null, 0]);
  });

  await t.step("list: every person, in UTF-8 byte order of the stored spelling", async () => {
    const list = await ask({ op: "list" });
    assert.ok(list.op === "list" && list.status === "ok");
    const names = list.people.map((p) => p.name);
    assert.equal(names.length, PEOPLE.length);
    assert.deepEqual(names, [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    assert.deepEqual(list.people[0], { name: "Ada", faces: 4 });
  });

  await t.step("forget: the stored spelling comes back; a resend answers notFound", async () => {
    const gone = await ask({ op: "forget", name: "ADA" });
    assert.ok(gone.op === "forget" && gone.status === "ok", JSON.stringify(gone));
    assert.deepEqual([gone.name, gone.removedFaces], ["Ada", 4]);
    const again = await ask({ op: "forget", name: "Ada" });
    assert.equal(again.status, "notFound");
    const stats = await ask({ op: "stats" });
    assert.ok(stats.op === "stats" && stats.status === "ok" && stats.people === PEOPLE.length - 1);
  });

  await t.step("every MODEL carried THRESHOLD exactly when a model was served", () => {
    assert.ok(models.length >= 10, `${models.length} replies with models`);
    for (const [where, states] of models) assertThresholdRule(states, where);
    const states = new Set(models.flatMap(([, s]) => s.map((m) => m.state)));
    assert.ok(states.has("ready") && states.has("unavailable"), [...states].join(", "));
  });
});
