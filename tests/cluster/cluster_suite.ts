/**
 * The cluster integration test (`deno task test:cluster`; not part of `deno task test`,
 * whose file pattern it does not match). Everything runs here, in temporary folders, on
 * loopback ports: PostgreSQL (initdb/pg_ctl, as the `postgres` user when run as root), two
 * recognizers sharing its gallery, two detectors (one per recognizer) and nginx `stream`
 * (deploy/nginx/facerec-stream.conf) in front of the detectors. Then, through the
 * balancer:
 *
 * 1. enrollments are seen through both recognizers, within 2 s;
 * 2. a detector SIGKILLed under steady identify traffic costs no failed request;
 * 3. a recognizer SIGKILLed during a burst of enrollments loses no acknowledged face;
 * 4. PostgreSQL restarted under traffic: identify keeps answering, writes resume.
 *
 * Skips, with a notice, when PostgreSQL or nginx (with its stream module) is missing.
 */
import assert from "node:assert/strict";
import { callService, parseEndpoint } from "../../lib/transport/mod.ts";
import type { Request, Response } from "../../lib/protocol/mod.ts";
import { findPostgresBin, freePort, startPostgres } from "../_support/postgres_server.ts";
import { findHaproxy, findNginx, startBalancer, startHaproxy } from "../_support/nginx_balancer.ts";
import { type ServiceProcess, startService } from "../_support/services.ts";
import { DATASETS, HAVE_DATASETS } from "../_datasets.ts";

const LFW = `${DATASETS}lfw10/`;
const PEOPLE = ["Colin_Powell", "Tony_Blair", "Hugo_Chavez", "Jacques_Chirac"];

const missing = [
  findPostgresBin() ? undefined : "PostgreSQL (initdb, pg_ctl)",
  findNginx() ? undefined : "nginx with libnginx-mod-stream",
  HAVE_DATASETS ? undefined : "../shared/datasets",
].filter(Boolean);
if (missing.length > 0) {
  console.log(`notice: cluster test skipped: ${missing.join(", ")} not found`);
}

/** A person's `n`-th photo (1-based, in name order). */
async function photo(person: string, n: number) {
  const files = [...Deno.readDirSync(`${LFW}${person}`)].map((e) => e.name).filter((f) =>
    f.endsWith(".jpg")
  ).sort();
  const filename = files[n - 1];
  if (!filename) throw new RangeError(`${person} has ${files.length} photos, asked for #${n}`);
  return { filename, data: await Deno.readFile(`${LFW}${person}/${filename}`) };
}

/** Counts of what a traffic loop saw. */
interface Tally {
  ok: number;
  failed: number;
  retried: number;
  errors: string[];
}

function send(address: string, request: Request, tally?: Tally): Promise<Response> {
  return callService(parseEndpoint(address), request, {
    timeoutMs: 60_000,
    maxFrameBytes: 64 << 20,
    peerName: "balancer",
    retry: true,
    onRetry: () => tally && tally.retried++,
  });
}

async function names(address: string): Promise<string[]> {
  const reply = await send(address, { op: "list" });
  assert.equal(reply.status, "ok", JSON.stringify(reply));
  return reply.op === "list" && reply.status === "ok" ? reply.people.map((p) => p.name) : [];
}

async function nearestName(address: string, image: { filename: string; data: Uint8Array }) {
  const reply = await send(address, { op: "identify", algorithm: "dnn", images: [image] });
  if (reply.op !== "identify" || reply.status !== "ok") {
    throw new Error(`identify: ${JSON.stringify(reply)}`);
  }
  // The nearest enrolled person (the threshold's verdict depends on the photo; which
  // person the replica finds nearest shows that it holds everybody's descriptors).
  return reply.faces[0]?.candidates[0]?.name ?? null;
}

/** Sends identify requests, `parallel` at a time, until `stop()`; counts what came back. */
function identifyTraffic(
  address: string,
  image: { filename: string; data: Uint8Array },
  parallel = 3,
) {
  const tally: Tally = { ok: 0, failed: 0, retried: 0, errors: [] };
  let running = true;
  const loops = Array.from({ length: parallel }, async () => {
    while (running) {
      try {
        const reply = await send(
          address,
          { op: "identify", algorithm: "dnn", images: [image] },
          tally,
        );
        if (reply.status === "ok") tally.ok++;
        else {
          tally.failed++;
          tally.errors.push(`${reply.status}: ${"message" in reply ? reply.message : ""}`);
        }
      } catch (error) {
        tally.failed++;
        tally.errors.push(String(error));
      }
    }
  });
  return {
    tally,
    async stop() {
      running = false;
      await Promise.all(loops);
      return tally;
    },
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stops a service: SIGTERM, then SIGKILL (with its log shown) if it has not exited in 15 s. */
async function stopService(service: ServiceProcess): Promise<void> {
  const exited = await Promise.race([service.stop("SIGTERM"), sleep(15_000).then(() => null)]);
  if (exited) return;
  console.log(
    `${service.name} ${service.address} did not stop on SIGTERM; its log:\n${service.log()}`,
  );
  await new Deno.Command("kill", { args: ["-KILL", String(service.child.pid)] }).output();
  await service.child.status;
}

Deno.test({
  name: "a cluster behind nginx: 2 detectors, 2 recognizers, one PostgreSQL gallery",
  ignore: missing.length > 0,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async (outer) => {
    // Each step's failure is printed as it happens (the summary comes only at the end).
    const t = {
      step: (name: string, body: () => Promise<void>) =>
        outer.step(name, async () => {
          try {
            await body();
          } catch (error) {
            console.log(`step failed: ${name}: ${error instanceof Error ? error.stack : error}`);
            throw error;
          }
        }),
    };
    await using pg = await startPostgres();
    const common = ["--workers", "1", "--log-level", "info"];
    const recognizerArgs = (port: number) => [
      "--port",
      String(port),
      "--gallery",
      pg.url,
      ...common,
    ];
    const recognizerPorts = [freePort(), freePort()];
    const recognizers: ServiceProcess[] = await Promise.all(
      recognizerPorts.map((p) =>
        startService("recognizer", recognizerArgs(p), { timeoutMs: 120_000 })
      ),
    );
    const detectors: ServiceProcess[] = await Promise.all(
      recognizers.map((r) =>
        startService("detector", ["--port", "0", "--recognizer", r.address, ...common], {
          timeoutMs: 120_000,
        })
      ),
    );
    const balancerPort = freePort();
    await using balancer = await startBalancer(detectors.map((d) => d.address), balancerPort);
    const lb = balancer.address;
    const report: Record<string, unknown> = {};
    try {
      await t.step(
        "enrollments through the balancer are seen through both recognizers",
        async () => {
          for (const person of PEOPLE) {
            const reply = await send(lb, {
              op: "enroll",
              name: person,
              images: [await photo(person, 1), await photo(person, 2), await photo(person, 3)],
            });
            assert.equal(reply.status, "ok", JSON.stringify(reply));
          }
          // Each detector reaches its own recognizer: both must list and name everybody.
          const deadline = Date.now() + 2000;
          for (const d of detectors) {
            while ((await names(d.address)).length < PEOPLE.length && Date.now() < deadline) {
              await sleep(20);
            }
            assert.deepEqual((await names(d.address)).sort(), [...PEOPLE].sort());
            for (const person of PEOPLE) {
              assert.equal(await nearestName(d.address, await photo(person, 5)), person);
            }
          }
          // How long one replica's enrollment takes to reach the other.
          const lags: number[] = [];
          for (let i = 0; i < 5; i++) {
            const [from, to] = i % 2 === 0 ? detectors : [detectors[1]!, detectors[0]!];
            const name = `lag-${i}`;
            const reply = await send(from!.address, {
              op: "enroll",
              name,
              images: [await photo(PEOPLE[i % PEOPLE.length]!, 6)],
            });
            assert.equal(reply.status, "ok", JSON.stringify(reply));
            const acked = performance.now();
            while (!(await names(to!.address)).includes(name)) {
              assert.ok(
                performance.now() - acked < 2000,
                `${name} not seen by the other replica in 2 s`,
              );
              await sleep(5);
            }
            lags.push(performance.now() - acked);
            const forgot = await send(to!.address, { op: "forget", name });
            assert.equal(forgot.status, "ok");
            while ((await names(from!.address)).includes(name)) {
              assert.ok(performance.now() - acked < 4000, `forget of ${name} not seen in 2 s`);
              await sleep(5);
            }
          }
          report.replicationLagMs = lags.map((l) => Math.round(l));
        },
      );

      if (findHaproxy()) {
        await t.step("HAProxy on the shipped configuration serves the same detectors", async () => {
          await using haproxy = await startHaproxy(detectors.map((d) => d.address), freePort());
          for (let i = 0; i < 6; i++) {
            const person = PEOPLE[i % PEOPLE.length]!;
            assert.equal(await nearestName(haproxy.address, await photo(person, 5)), person);
          }
          assert.deepEqual((await names(haproxy.address)).sort(), [...PEOPLE].sort());
        });
      }

      await t.step("a detector SIGKILLed under identify traffic: 0 failed requests", async () => {
        const probe = await photo("Tony_Blair", 7);
        const traffic = identifyTraffic(lb, probe);
        await sleep(3000);
        const before = traffic.tally.ok;
        await detectors[0]!.stop("SIGKILL");
        await sleep(4000);
        const tally = await traffic.stop();
        report.detectorKill = { ...tally, errors: tally.errors.slice(0, 3), okBeforeKill: before };
        assert.equal(tally.failed, 0, tally.errors.join("\n"));
        assert.ok(tally.ok > before + 3, `identify kept being answered (${before} -> ${tally.ok})`);
        // New connections go to the survivor: a fresh burst, all answered.
        for (let i = 0; i < 5; i++) assert.equal(await nearestName(lb, probe), "Tony_Blair");
        // Back to two detectors for what follows.
        detectors[0] = await startService(
          "detector",
          [
            "--port",
            String(detectors[0]!.port),
            "--recognizer",
            recognizers[0]!.address,
            ...common,
          ],
          { timeoutMs: 120_000 },
        );
      });

      await t.step(
        "a recognizer SIGKILLed during enrollments keeps every acknowledged face",
        async () => {
          const image = await photo("Gerhard_Schroeder", 1);
          const acked = new Map<string, number>();
          let refused = 0;
          const burst = Array.from({ length: 90 }, (_, i) => async () => {
            try {
              const reply = await send(lb, { op: "enroll", name: `burst-${i}`, images: [image] });
              if (reply.op === "enroll" && reply.status === "ok") {
                acked.set(`burst-${i}`, reply.stored);
              } else refused++;
            } catch {
              refused++;
            }
          });
          let next = 0;
          const workers = Array.from({ length: 3 }, async () => {
            while (next < burst.length) await burst[next++]!();
          });
          await sleep(1500);
          await recognizers[0]!.stop("SIGKILL");
          await Promise.all(workers);
          report.recognizerKill = { acknowledged: acked.size, refused };
          assert.ok(acked.size > 0, "some enrollments were acknowledged");
          // The survivor's view of the database: everything acknowledged is there.
          const listed = await send(detectors[1]!.address, { op: "list" });
          assert.ok(listed.op === "list" && listed.status === "ok");
          const faces = new Map(listed.people.map((p) => [p.name, p.faces]));
          for (const [name, stored] of acked) {
            assert.ok(
              (faces.get(name) ?? 0) >= stored,
              `${name}: acknowledged ${stored}, has ${faces.get(name)}`,
            );
          }
          recognizers[0] = await startService("recognizer", recognizerArgs(recognizers[0]!.port), {
            timeoutMs: 120_000,
          });
          // The restarted replica loaded them all too.
          const again = new Set(await names(detectors[0]!.address));
          for (const name of acked.keys()) assert.ok(again.has(name), `${name} after restart`);
        },
      );

      await t.step(
        "PostgreSQL restarted under traffic: identify answers, writes resume",
        async () => {
          const probe = await photo("Colin_Powell", 7);
          const traffic = identifyTraffic(lb, probe);
          await sleep(1000);
          await pg.stop();
          const down = performance.now();
          // Meanwhile a write is refused, clearly.
          const refused = await send(lb, {
            op: "enroll",
            name: "during-outage",
            images: [await photo("Colin_Powell", 8)],
          });
          assert.equal(refused.status, "unavailable", JSON.stringify(refused));
          await sleep(2000);
          await pg.start();
          const up = performance.now();
          let resumedMs = -1;
          for (let i = 0; i < 200; i++) {
            const reply = await send(lb, {
              op: "enroll",
              name: "after-outage",
              images: [await photo("Colin_Powell", 8)],
            });
            if (reply.status === "ok") {
              resumedMs = performance.now() - up;
              break;
            }
            await sleep(100);
          }
          const tally = await traffic.stop();
          report.postgresRestart = {
            ...tally,
            errors: tally.errors.slice(0, 3),
            outageMs: Math.round(up - down),
            writesResumedMsAfterStart: Math.round(resumedMs),
          };
          assert.equal(tally.failed, 0, tally.errors.join("\n"));
          assert.ok(tally.ok > 0);
          assert.ok(resumedMs >= 0, "writes resumed after the restart");
          // And both replicas see the new write. A replica whose pool connection was opening
          // while the database was down can still answer `unavailable` until that attempt
          // times out (3 s, postgres.js's connect timeout), after the other one has written:
          // not seen yet, within the same deadline.
          for (const d of detectors) {
            const deadline = Date.now() + 7000;
            for (;;) {
              const reply = await send(d.address, { op: "list" });
              if (reply.status !== "unavailable") {
                assert.equal(reply.status, "ok", JSON.stringify(reply));
                if (reply.op === "list" && reply.people.some((p) => p.name === "after-outage")) {
                  break;
                }
              }
              assert.ok(Date.now() < deadline, `after-outage not seen through ${d.address}`);
              await sleep(50);
            }
          }
        },
      );
    } finally {
      console.log(`cluster figures: ${JSON.stringify(report)}`);
      await Promise.all([...detectors, ...recognizers].map(stopService));
    }
  },
});
