/**
 * Faults on the real processes: the recognizer SIGKILLed in the middle of a burst of
 * enrollments, a dead or hung recognizer behind a live detector, and SIGTERM draining.
 */
import assert from "node:assert/strict";
import { datasetTest } from "../_datasets.ts";
import { Gallery } from "../../lib/gallery/mod.ts";
import type { Response } from "../../lib/protocol/mod.ts";
import { startStack } from "../_support/services.ts";
import { waitFor } from "../_support/wait.ts";
import { call, crop, DATASETS, orl } from "./_net.ts";

/** CPU time a process has used so far, in clock ticks (utime + stime, /proc/PID/stat). */
function cpuTicks(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after "(comm) " start at field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

const identifyOrl = (person: number, image: number) => ({
  op: "identify" as const,
  algorithm: "lbph" as const,
  images: [{ data: orl(person, image) }],
});

datasetTest(
  "faults: SIGKILL mid-burst loses no acknowledged enrollment; the detector reports and recovers; SIGTERM drains",
  async (t) => {
    await using stack = await startStack({ workers: 1, detectorArgs: ["--query-timeout", "3"] });
    const detector = stack.detector;

    // Seed two people so identify works before and after the crash.
    for (const person of [2, 3]) {
      const reply = await call(stack.recognizer.address, {
        op: "enroll",
        name: `seed-${person}`,
        faces: [1, 2, 3, 4, 5].map((i) => crop(person, i)),
      });
      assert.equal(reply.status, "ok", JSON.stringify(reply));
    }

    // Person i enrolls (i % 3) + 1 faces in one request: all of them or none may be stored.
    const BURST = 48;
    const facesOf = (i: number) => (i % 3) + 1;
    const acknowledged = new Set<string>();

    await t.step("the recognizer is SIGKILLed during a burst of enrollments", async () => {
      const recognizer = stack.recognizer;
      const killed = Promise.withResolvers<void>();
      let next = 0;
      const worker = async () => {
        while (next < BURST) {
          const i = next++;
          const name = `burst-${String(i).padStart(2, "0")}`;
          const faces = Array.from({ length: facesOf(i) }, (_, k) => crop(10 + (i % 20), 1 + k));
          let reply: Response;
          try {
            reply = await call(recognizer.address, { op: "enroll", name, faces }, 10_000);
          } catch {
            continue; // the connection died with the process: not acknowledged
          }
          if (reply.status === "ok") {
            acknowledged.add(name);
            if (acknowledged.size === 8) killed.resolve();
          }
        }
      };
      const workers = Array.from({ length: 6 }, worker);
      await killed.promise;
      const status = await recognizer.stop("SIGKILL");
      assert.equal(status.signal, "SIGKILL");
      await Promise.all(workers);
      assert.ok(acknowledged.size >= 8, `only ${acknowledged.size} acknowledged`);
      assert.ok(acknowledged.size < BURST, "the kill came after the whole burst");
    });

    await t.step(
      "while the recognizer is down the detector answers 'unavailable' fast",
      async () => {
        const started = performance.now();
        const reply = await call(detector.address, identifyOrl(2, 7));
        const ms = performance.now() - started;
        assert.equal(reply.status, "unavailable", JSON.stringify(reply));
        assert.ok("message" in reply);
        assert.match(reply.message, /recognizer at 127\.0\.0\.1:\d+ is unavailable/);
        assert.ok(ms < 3000, `took ${ms} ms`);
        console.log(`detector answered 'unavailable' in ${ms.toFixed(0)} ms (recognizer dead)`);
        const list = await call(detector.address, { op: "list" });
        assert.equal(list.status, "unavailable");
      },
    );

    await t.step("after a restart every acknowledged enrollment is there, whole", async () => {
      const recognizer = await stack.restartRecognizer("SIGKILL");
      const list = await call(recognizer.address, { op: "list" });
      assert.ok(list.op === "list" && list.status === "ok", JSON.stringify(list));
      const counts = new Map(list.people.map((p) => [p.name, p.faces]));
      for (const name of acknowledged) {
        const i = Number(name.slice("burst-".length));
        assert.equal(counts.get(name), facesOf(i), `${name}: acknowledged, then lost`);
      }
      // Unacknowledged ones may or may not have landed, but never partly.
      for (const [name, faces] of counts) {
        if (!name.startsWith("burst-")) continue;
        assert.equal(faces, facesOf(Number(name.slice("burst-".length))), `${name} half-written`);
      }
      assert.equal(counts.get("seed-2"), 5);
      const stored = [...counts.keys()].filter((n) => n.startsWith("burst-")).length;
      console.log(`burst: ${acknowledged.size} acknowledged, ${stored} stored after SIGKILL`);
      // The database itself passes SQLite's integrity check from a second connection.
      using gallery = Gallery.open(`${stack.dataDir}/gallery.db`, { readOnly: true });
      assert.equal(gallery.counts().people, counts.size);
    });

    await t.step("once it is back, the same detector serves again without a restart", async () => {
      const reply = await call(detector.address, identifyOrl(2, 7));
      assert.equal(reply.status, "ok", JSON.stringify(reply));
      assert.ok(reply.op === "identify" && reply.faces.length === 1);
    });

    await t.step(
      "a hung recognizer (SIGSTOP) turns an identify into 'unavailable' after --query-timeout",
      async () => {
        const pid = stack.recognizer.child.pid;
        Deno.kill(pid, "SIGSTOP");
        try {
          const started = performance.now();
          const reply = await call(detector.address, identifyOrl(2, 7));
          const ms = performance.now() - started;
          assert.equal(reply.status, "unavailable", JSON.stringify(reply));
          assert.ok("message" in reply);
          assert.match(reply.message, /did not answer/);
          // --query-timeout 3, not the 15 s default; generous above for a loaded machine.
          assert.ok(ms >= 2500 && ms < 10_000, `took ${ms} ms`);
        } finally {
          Deno.kill(pid, "SIGCONT");
        }
        const again = await call(detector.address, identifyOrl(3, 7));
        assert.equal(again.status, "ok", JSON.stringify(again));
      },
    );

    await t.step("SIGTERM drains: the in-flight reply arrives, then exit 0", async () => {
      // Five group photos: a second or two of detection on one worker.
      const images = [1, 2, 3, 4, 5].map((i) => ({
        data: Deno.readFileSync(`${DATASETS}bbt/group/bbt${i}.jpg`),
      }));
      // Both services idle first, so that CPU time they spend next is these requests'.
      const deadline = performance.now() + 120_000;
      for (let idle = false; !idle;) {
        assert.ok(performance.now() < deadline, "the recognizer kept retraining for 2 minutes");
        const stats = await call(stack.recognizer.address, { op: "stats" });
        idle = stats.op === "stats" && stats.status === "ok" &&
          stats.models.every((m) => m.state !== "stale");
        if (!idle) await new Promise((r) => setTimeout(r, 100));
      }
      const detectorTicks = cpuTicks(detector.child.pid);
      const recognizerTicks = cpuTicks(stack.recognizer.child.pid);
      let answeredAt = Infinity;
      const inFlight = call(detector.address, { op: "enroll", name: "group", images }).finally(
        () => answeredAt = performance.now(),
      );
      // And a recognizer request with enough faces to take a while.
      const faces = Array.from({ length: 40 }, (_, i) => crop(2 + (i % 30), 1 + (i % 10)));
      let recognizerAnswered = false;
      const inRecognizer = call(stack.recognizer.address, {
        op: "identify",
        algorithm: "lbph",
        faces,
      }).finally(() => recognizerAnswered = true);
      // SIGTERM once both are at work on them (a request read after the signal would be
      // dropped, not drained): waited for as CPU time spent, not as a fixed time.
      await waitFor(
        () => cpuTicks(detector.child.pid) >= detectorTicks + 5,
        "the detector to start on the group photos",
      );
      await waitFor(
        () => recognizerAnswered || cpuTicks(stack.recognizer.child.pid) >= recognizerTicks + 2,
        "the recognizer to start on the 40 faces",
      );
      const signalledAt = performance.now();
      const [detectorExit, recognizerExit] = await Promise.all([
        detector.stop("SIGTERM"),
        stack.recognizer.stop("SIGTERM"),
      ]);
      const reply = await inFlight;
      assert.ok(answeredAt > signalledAt, "the request was not in flight when SIGTERM came");
      assert.equal(reply.status, "ok", JSON.stringify(reply));
      assert.ok(reply.op === "enroll" && reply.images.length === 5);
      const identified = await inRecognizer;
      assert.equal(identified.status, "ok", JSON.stringify(identified));
      assert.ok(identified.op === "identify" && identified.faces.length === 40);
      assert.equal(detectorExit.code, 0);
      assert.equal(recognizerExit.code, 0);
      assert.match(detector.log(), /draining signal=SIGTERM[\s\S]*stopped/);
      await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port: detector.port }));
    });
  },
);
