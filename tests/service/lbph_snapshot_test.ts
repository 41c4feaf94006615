/**
 * An enroll reaches LBPH without the whole model being re-encoded, stored and reloaded: the
 * updater keeps the model decoded, the prediction workers append the new faces, and the
 * snapshot is stored once enrolling pauses (or at close). A restart from a snapshot that
 * lags behind the gallery (a crash before it was stored) re-adds the missing faces.
 * @module
 */
import assert from "node:assert/strict";
import { Gallery } from "../../lib/gallery/mod.ts";
import type { ModelState, WireFace } from "../../lib/protocol/messages.ts";
import { DEFAULT_LIMITS } from "../../lib/service/limits.ts";
import type { Logger } from "../../lib/service/log.ts";
import { RecognizerService } from "../../lib/service/recognizer_service.ts";
import { datasetTest } from "../_datasets.ts";
import { orlWireFaces as orlFaces } from "./_orl_faces.ts";
import { modelOf } from "./_recognizer.ts";

/** A logger that keeps the `model updated` / `model trained` / `model stored` events. */
function recordingLogger(): Logger & { events: string[] } {
  const events: string[] = [];
  const keep = (event: string, fields: Record<string, unknown> = {}) => {
    if (event.startsWith("model ") && fields.algorithm === "lbph") {
      events.push(`${event} ${fields.mode ?? ""}`.trim());
    }
  };
  return { events, debug: keep, info: keep, warn: keep, error: keep };
}

/** The LBPH model's state once it holds `faces` faces (polls stats: it updates meanwhile). */
async function lbphOnceAt(service: RecognizerService, faces: number): Promise<ModelState> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const stats = await service.handle({ op: "stats" });
    assert.ok(stats.op === "stats" && stats.status === "ok", JSON.stringify(stats));
    const lbph = modelOf(stats.models, "lbph");
    if ((lbph.state === "ready" && lbph.faces === faces) || Date.now() > deadline) return lbph;
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function lbphNames(service: RecognizerService, probes: WireFace[]): Promise<string[]> {
  const reply = await service.handle({ op: "identify", algorithm: "lbph", faces: probes });
  assert.ok(reply.op === "identify" && reply.status === "ok", JSON.stringify(reply));
  return reply.faces.map((f) => f.name ?? "");
}

function storedLbphFaces(dataDir: string): number | undefined {
  using gallery = Gallery.open(`${dataDir}/gallery.db`, { readOnly: true });
  return gallery.loadModel("lbph")?.faces;
}

datasetTest("an enroll updates LBPH in place and its snapshot is stored later", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "facerec-lbph-snapshot-" });
  // Enrolled faces themselves (distance 0): what is checked is that each copy holds them.
  const probes = await Promise.all([1, 2, 3].map(async (p) => (await orlFaces(p, 5, 5))[0]!));
  const start = (log: Logger) =>
    RecognizerService.start({
      dataDir,
      workers: 2, // the model is shared between the two: appends go to each one's own copy
      limits: DEFAULT_LIMITS,
      log,
      snapshotIdleMs: 600_000, // never during the test: only close() stores it
    });
  try {
    let lagging: Uint8Array;
    {
      const log = recordingLogger();
      await using service = await start(log);
      for (const p of [1, 2, 3]) {
        const reply = await service.handle({
          op: "enroll",
          name: `p${p}`,
          faces: await orlFaces(p, 1, 5),
        });
        assert.equal(reply.status, "ok");
      }
      // The first enroll trained LBPH (and stored it); the others only added their faces.
      assert.deepEqual(log.events, [
        "model trained full",
        "model updated update +5",
        "model updated update +5",
      ]);
      assert.deepEqual(await lbphNames(service, probes), ["p1", "p2", "p3"]);
      assert.equal((await lbphOnceAt(service, 15)).faces, 15);
      assert.equal(storedLbphFaces(dataDir), 5, "the snapshot waits for a pause");
      using gallery = Gallery.open(`${dataDir}/gallery.db`, { readOnly: true });
      lagging = gallery.loadModel("lbph")!.bytes;
    }
    assert.equal(storedLbphFaces(dataDir), 15, "close() stored the snapshot");

    // As after a crash before the snapshot was stored: the gallery has 15 faces, the
    // snapshot 5. The restart serves the snapshot and adds the 10 faces it lacks.
    {
      using gallery = Gallery.open(`${dataDir}/gallery.db`);
      const ids = gallery.faces(0, gallery.lastFaceId()).map((f) => f.id);
      gallery.saveModel({
        algorithm: "lbph",
        bytes: lagging,
        generation: 1,
        faces: 5,
        lastFaceId: ids[4]!,
        threshold: null,
      });
    }
    const log = recordingLogger();
    await using service = await start(log);
    const lbph = await lbphOnceAt(service, 15);
    assert.deepEqual([lbph.state, lbph.faces], ["ready", 15]);
    assert.deepEqual(await lbphNames(service, probes), ["p1", "p2", "p3"]);
    assert.deepEqual(log.events, ["model loaded", "model updated update +10"]);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
