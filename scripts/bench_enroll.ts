/**
 * The `enroll` bench section: does enrolling get slower as the gallery grows? The same 55
 * lfw10 photos (the first 6 people, 10 + 10 + 10 + 10 + 10 + 5) are enrolled through the
 * detector as the client sends them (one person at a time, batches of up to 16 photos,
 * `largest: true`), into an empty gallery and into one already holding ORL's 400 faces
 * (enrolled through the detector first), with the default detector (YuNet) and models.
 *
 * Each round runs both, empty first; the empty case gets a fresh stack per round, the full
 * one keeps its stack and forgets the 6 people (and waits for the models to settle) between
 * rounds. Timed: from the first request to the last reply, what a user waits for; also until
 * every model includes the new faces (Eigen/Fisher retrain in the background).
 * @module
 */
import { round } from "../lib/evaluation/stats.ts";
import { type Stack, startStack } from "../tests/_support/services.ts";
import type { Endpoint } from "../lib/transport/mod.ts";
import { ORL_DIR } from "./bench_gallery.ts";
import {
  awaitQuiet,
  call,
  endpointOf,
  LFW,
  lfwPeople,
  listImages,
  log,
  otherLoad,
  processCpuMs,
  trainedLines,
  waitReady,
} from "./lib/bench_util.ts";

/** Knobs of {@link benchEnroll}. */
export interface EnrollConfig {
  rounds: number;
  workers: number;
  photos: number;
  batch: number;
}

/** Full run. */
export const ENROLL_FULL: EnrollConfig = { rounds: 2, workers: 2, photos: 55, batch: 16 };
/** --quick. */
export const ENROLL_QUICK: EnrollConfig = { rounds: 1, workers: 2, photos: 55, batch: 16 };

/** One timed enrollment of the photos. */
export interface EnrollRun {
  round: number;
  /** Faces in the gallery before. */
  before: number;
  stored: number;
  requests: number;
  /** First request to last reply. */
  ms: number;
  /** First request until every model includes the new faces. */
  settledMs: number;
  /** CPU ms of each service from the first request to the last reply. */
  cpuMs: { detector: number; recognizer: number };
  /** The recognizer's retrains from the first request to the last reply. */
  trained: { algorithm: string; mode: string; faces: number; ms: number }[];
  otherCores: number;
}

/** What the section measured. */
export interface EnrollResult {
  photos: number;
  people: number;
  workers: number;
  prefill: { faces: number; ms: number };
  runs: EnrollRun[];
  /** Best round of each. */
  emptyMs: number;
  fullMs: number;
  /** fullMs / emptyMs. */
  ratio: number;
  /** Both services' CPU until the last reply, into 400 faces / into none (best round each). */
  cpuRatio: number;
}

interface Batch {
  name: string;
  files: string[];
}

async function lfwBatches(config: EnrollConfig): Promise<Batch[]> {
  const out: Batch[] = [];
  let left = config.photos;
  for (const person of await lfwPeople()) {
    if (left <= 0) break;
    const files = (await listImages(`${LFW}/${person}`, /\.jpg$/i)).slice(0, left);
    left -= files.length;
    for (let i = 0; i < files.length; i += config.batch) {
      out.push({ name: person, files: files.slice(i, i + config.batch) });
    }
  }
  return out;
}

/** ORL's people (s1..s40, in number order) and their 10 photos each. */
async function orlBatches(): Promise<Batch[]> {
  const people = (await Array.fromAsync(Deno.readDir(ORL_DIR))).filter((e) => e.isDirectory)
    .map((e) => e.name).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  return await Promise.all(
    people.map(async (name) => ({ name, files: await listImages(`${ORL_DIR}/${name}`, /\.pgm$/) })),
  );
}

async function enrollAll(detector: Endpoint, batches: readonly Batch[]): Promise<number> {
  let stored = 0;
  for (const b of batches) {
    const images = await Promise.all(
      b.files.map(async (f) => ({ filename: f.split("/").pop(), data: await Deno.readFile(f) })),
    );
    const reply = await call(detector, { op: "enroll", name: b.name, largest: true, images });
    if (reply.op !== "enroll" || reply.status !== "ok") {
      throw new Error(`enroll ${b.name}: ${JSON.stringify(reply).slice(0, 300)}`);
    }
    stored += reply.stored;
  }
  return stored;
}

async function facesIn(stack: Stack): Promise<number> {
  const reply = await call(endpointOf(stack.recognizer), { op: "stats" });
  if (reply.op !== "stats" || reply.status !== "ok") throw new Error("stats failed");
  return reply.faces;
}

async function timedRun(stack: Stack, batches: readonly Batch[], round_: number) {
  const detector = endpointOf(stack.detector), recognizer = endpointOf(stack.recognizer);
  const before = await facesIn(stack);
  const pids = [stack.detector.child.pid, stack.recognizer.child.pid] as const;
  const cpu0 = pids.map(processCpuMs);
  const logAt = stack.recognizer.log().length;
  await awaitQuiet([...pids]);
  const quiet = otherLoad([...pids]);
  const t = performance.now();
  const stored = await enrollAll(detector, batches);
  const ms = performance.now() - t;
  const otherCores = quiet.stop();
  const cpu = pids.map((pid, i) => round(processCpuMs(pid) - cpu0[i]!, 0));
  const trained = trainedLines(stack.recognizer.log().slice(logAt))
    .map(({ algorithm, mode, faces, ms }) => ({ algorithm, mode, faces, ms }));
  await waitReady(recognizer, before + stored, 20 * 60_000);
  const run: EnrollRun = {
    round: round_,
    before,
    stored,
    requests: batches.length,
    ms: round(ms, 0),
    settledMs: round(performance.now() - t, 0),
    cpuMs: { detector: cpu[0]!, recognizer: cpu[1]! },
    trained,
    otherCores,
  };
  log(`enroll into ${before} faces: ${run.ms} ms (settled ${run.settledMs} ms), ${stored} stored`);
  return run;
}

/** Runs the section. */
export async function benchEnroll(config: EnrollConfig): Promise<EnrollResult> {
  const batches = await lfwBatches(config);
  const stackOptions = { workers: config.workers, extraArgs: ["--log-level", "info"] };
  log(`enroll: prefilling a gallery with ORL's 400 faces through the detector`);
  await using full = await startStack(stackOptions);
  const t = performance.now();
  await enrollAll(endpointOf(full.detector), await orlBatches());
  const prefillFaces = await facesIn(full);
  await waitReady(endpointOf(full.recognizer), prefillFaces, 20 * 60_000);
  const prefill = { faces: prefillFaces, ms: round(performance.now() - t, 0) };
  log(`enroll: prefilled ${prefill.faces} faces in ${prefill.ms} ms`);

  const runs: EnrollRun[] = [];
  for (let r = 1; r <= config.rounds; r++) {
    {
      await using empty = await startStack(stackOptions);
      runs.push(await timedRun(empty, batches, r));
    }
    runs.push(await timedRun(full, batches, r));
    if (r < config.rounds) {
      for (const name of new Set(batches.map((b) => b.name))) {
        await call(endpointOf(full.detector), { op: "forget", name });
      }
      await waitReady(endpointOf(full.recognizer), prefillFaces, 20 * 60_000);
    }
  }
  const best = (before: number) =>
    Math.min(...runs.filter((x) => (x.before === 0) === (before === 0)).map((x) => x.ms));
  const emptyMs = best(0), fullMs = best(prefillFaces);
  const cpu = (empty: boolean) =>
    Math.min(
      ...runs.filter((x) => (x.before === 0) === empty).map((x) =>
        x.cpuMs.detector + x.cpuMs.recognizer
      ),
    );
  return {
    photos: batches.reduce((n, b) => n + b.files.length, 0),
    people: new Set(batches.map((b) => b.name)).size,
    workers: config.workers,
    prefill,
    runs,
    emptyMs,
    fullMs,
    ratio: round(fullMs / emptyMs, 2),
    cpuRatio: round(cpu(false) / cpu(true), 2),
  };
}
