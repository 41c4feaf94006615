/**
 * Stress: starts the real recognizer and detector, then
 * 1. fuzz: sends `--frames` random and mutated frames to EACH service (one connection per
 *    frame, 8 at a time) and checks that every answer is a well-formed reply, that no
 *    connection hangs, and that no reply is an internal error;
 * 2. checks that both still answer valid requests correctly and neither process exited;
 * 3. load: `--clients` concurrent clients x `--per-client` identify requests, 0 errors,
 *    with p50/p99 latency;
 * 4. memory: an identify loop of `--requests`, reading both processes' VmRSS at request
 *    `--requests`/6 and at the end (500 and 3000 by default); growth must stay under 10%.
 *
 * Usage: deno task stress [--frames 10000] [--requests 3000] [--clients 16]
 *        [--per-client 100] [--workers 1] [--seed N] [--datasets DIR] [--json]
 * Exit status 0 when every check passed, 1 otherwise. `runStress` is the same run for a
 * caller (the fast CI version in tests/robustness/stress_test.ts). ORL comes from
 * `--datasets`, else `$FACEREC_DATASETS`, else ../shared/datasets beside the repository.
 * @module
 */
import { parseArgs } from "node:util";
import {
  decodeResponse,
  encodeRequest,
  FrameReader,
  type Request,
  type Response,
} from "../lib/protocol/mod.ts";
import { DEFAULT_LIMITS } from "../lib/service/limits.ts";
import { callService } from "../lib/transport/mod.ts";
import { decodeGray } from "../lib/imaging/mod.ts";
import { fuzzFrame, type Mutation, Rng } from "./lib/fuzz_frames.ts";
import { type ServiceProcess, startStack } from "../tests/_support/services.ts";
import { percentile, round } from "../lib/evaluation/stats.ts";

/** Enrolled people; their held-out photos are the identify probes. */
const PEOPLE = [2, 3, 4, 5, 6];
const MAX_RSS_GROWTH = 0.10;
const FUZZ_NAME = "../fuzz/\0";
const ROOT = new URL("../", import.meta.url);

/** What {@link runStress} does, and how much. */
export interface StressOptions {
  /** Fuzzed frames sent to each service. */
  readonly frames: number;
  /** Length of the memory loop (at least 6: RSS is read at 1/6 and at the end). */
  readonly requests: number;
  /** Concurrent clients of the load phase. */
  readonly clients: number;
  /** Identify requests per client in the load phase. */
  readonly perClient: number;
  /** `--workers` of each service. */
  readonly workers: number;
  /** Seed of the fuzzer. */
  readonly seed: number;
  /** The shared datasets folder (ORL is read from `orl/`). */
  readonly datasets: string;
  /** Progress lines; the run is silent without. */
  readonly say?: (line: string) => void;
}

/** One pass/fail check of a run. */
export interface StressCheck {
  readonly what: string;
  readonly ok: boolean;
}

/** Everything a run measured; `passed` when every check did. */
export interface StressReport {
  seed: number;
  workers: number;
  fuzz: {
    framesSent: number;
    seconds: number;
    errors: number;
    crashes: number;
    detector: FuzzStats;
    recognizer: FuzzStats;
    afterFuzz: string[];
  };
  load: LoadStats;
  memory: MemoryStats;
  final: string[];
  checks: StressCheck[];
  passed: boolean;
}

function call(service: ServiceProcess, request: Request): Promise<Response> {
  return callService({ hostname: "127.0.0.1", port: service.port }, request, {
    timeoutMs: 60_000,
    maxFrameBytes: DEFAULT_LIMITS.maxFrameBytes,
    peerName: service.name,
  });
}

/** VmRSS of a process, in KiB, from /proc. */
async function rssKiB(pid: number): Promise<number> {
  const status = await Deno.readTextFile(`/proc/${pid}/status`);
  const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

async function exited(service: ServiceProcess): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const running = new Promise<false>((r) => timer = setTimeout(() => r(false), 20));
  return await Promise.race([service.child.status.then(() => true), running])
    .finally(() => clearTimeout(timer));
}

// ------------------------------------------------------------------------------- fuzz

/** What the fuzzer saw from one service. */
export interface FuzzStats {
  sent: number;
  replies: number;
  /** Connections the server closed without a reply (e.g. a cut frame: nobody to tell). */
  silentCloses: number;
  errors: number;
  statuses: Record<string, number>;
  mutations: Partial<Record<Mutation, number>>;
  firstErrors: string[];
}

/** Sends one frame on its own connection, half-closes, and reads until the server hangs up. */
async function sendOne(port: number, bytes: Uint8Array, stats: FuzzStats): Promise<void> {
  const fail = (why: string) => {
    stats.errors++;
    if (stats.firstErrors.length < 10) stats.firstErrors.push(why);
  };
  let conn: Deno.TcpConn;
  try {
    conn = await Deno.connect({ hostname: "127.0.0.1", port });
  } catch (error) {
    return fail(`connect: ${(error as Error).message}`);
  }
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.close();
  }, 20_000);
  const reader = new FrameReader({ maxBodyBytes: 1 << 26 });
  let replies = 0;
  try {
    try {
      await conn.write(bytes);
      await conn.closeWrite();
    } catch {
      // The server may hang up before taking everything (an over-cap header): fine.
    }
    const buf = new Uint8Array(64 * 1024);
    while (true) {
      let n: number | null;
      try {
        n = await conn.read(buf);
      } catch {
        n = null; // reset by the server after its reply
      }
      if (n === null) break;
      for (const frame of reader.push(buf.subarray(0, n))) {
        replies++;
        let reply: Response;
        try {
          reply = decodeResponse(frame);
        } catch (error) {
          fail(`undecodable reply: ${(error as Error).message}`);
          continue;
        }
        stats.statuses[reply.status] = (stats.statuses[reply.status] ?? 0) + 1;
        if (reply.status === "internal") {
          fail(`internal error: ${"message" in reply ? reply.message : ""}`);
        }
      }
    }
    if (timedOut) fail("the server neither answered nor closed within 20 s");
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
  stats.replies += replies;
  if (replies === 0) stats.silentCloses++;
}

async function fuzz(
  service: ServiceProcess,
  valid: Uint8Array[],
  frames: number,
  rng: Rng,
): Promise<FuzzStats> {
  const stats: FuzzStats = {
    sent: 0,
    replies: 0,
    silentCloses: 0,
    errors: 0,
    statuses: {},
    mutations: {},
    firstErrors: [],
  };
  const queue = Array.from({ length: frames }, () => fuzzFrame(rng, valid));
  const worker = async () => {
    for (let item = queue.pop(); item; item = queue.pop()) {
      stats.mutations[item.mutation] = (stats.mutations[item.mutation] ?? 0) + 1;
      stats.sent++;
      await sendOne(service.port, item.bytes, stats);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return stats;
}

// ------------------------------------------------------------------------ load, memory

type Orl = (person: number, image: number) => Uint8Array;
type Probe = { person: number; data: Uint8Array };

/** One identify through the detector; returns its latency, or throws on any failure. */
async function identify(detector: ServiceProcess, probes: Probe[], n: number): Promise<number> {
  const probe = probes[n % probes.length]!;
  const started = performance.now();
  const reply = await call(detector, {
    op: "identify",
    algorithm: "lbph",
    images: [{ data: probe.data }],
  });
  const ms = performance.now() - started;
  if (reply.status !== "ok" || reply.op !== "identify") {
    throw new Error(`identify: ${reply.status} ${"message" in reply ? reply.message : ""}`);
  }
  return ms;
}

/** The load phase's figures. */
export interface LoadStats {
  requests: number;
  errors: number;
  firstErrors: string[];
  p50Ms: number;
  p99Ms: number;
  perSecond: number;
}

async function load(
  detector: ServiceProcess,
  probes: Probe[],
  clients: number,
  perClient: number,
): Promise<LoadStats> {
  const latencies: number[] = [];
  const failures: string[] = [];
  let n = 0;
  const client = async () => {
    for (let i = 0; i < perClient; i++) {
      try {
        latencies.push(await identify(detector, probes, n++));
      } catch (error) {
        failures.push((error as Error).message);
      }
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: clients }, client));
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requests: clients * perClient,
    errors: failures.length,
    firstErrors: failures.slice(0, 5),
    p50Ms: round(percentile(latencies, 0.5), 1),
    p99Ms: round(percentile(latencies, 0.99), 1),
    perSecond: round(latencies.length / seconds, 1),
  };
}

/** The memory loop's figures: both processes' RSS early and at the end. */
export interface MemoryStats {
  requests: number;
  errors: number;
  at: number[];
  detectorKiB: number[];
  recognizerKiB: number[];
  detectorGrowth: number;
  recognizerGrowth: number;
}

async function memory(
  detector: ServiceProcess,
  recognizer: ServiceProcess,
  probes: Probe[],
  requests: number,
): Promise<MemoryStats> {
  const early = Math.round(requests / 6);
  const samples = new Map<number, { detector: number; recognizer: number }>();
  let errors = 0;
  let done = 0;
  let next = 0;
  // Four requests in flight: both cores busy, and the loop takes a fraction of the time.
  const worker = async () => {
    while (next < requests) {
      const n = next++;
      try {
        await identify(detector, probes, n);
      } catch {
        errors++;
      }
      done++;
      if (done === early || done === requests) {
        samples.set(done, {
          detector: await rssKiB(detector.child.pid),
          recognizer: await rssKiB(recognizer.child.pid),
        });
      }
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const a = samples.get(early)!;
  const b = samples.get(requests)!;
  const growth = (x: number, y: number) => round((y - x) / x, 4);
  return {
    requests,
    errors,
    at: [early, requests],
    detectorKiB: [a.detector, b.detector],
    recognizerKiB: [a.recognizer, b.recognizer],
    detectorGrowth: growth(a.detector, b.detector),
    recognizerGrowth: growth(a.recognizer, b.recognizer),
  };
}

// -------------------------------------------------------------------------------- main

/** Both services answer valid requests correctly. Returns what was wrong, if anything. */
async function checkHealthy(
  detector: ServiceProcess,
  recognizer: ServiceProcess,
  orl: Orl,
): Promise<string[]> {
  const problems: string[] = [];
  for (const service of [detector, recognizer]) {
    if (await exited(service)) problems.push(`${service.name} exited`);
  }
  try {
    const stats = await call(recognizer, { op: "stats" });
    if (stats.status !== "ok") problems.push(`recognizer stats: ${stats.status}`);
    const reply = await call(detector, {
      op: "identify",
      algorithm: "lbph",
      images: [{ data: orl(2, 7) }],
    });
    const name = reply.op === "identify" && reply.status === "ok"
      ? reply.faces[0]?.candidates[0]?.name
      : null;
    if (name !== "orl-2") problems.push(`identify orl-2 gave ${JSON.stringify(reply)}`);
  } catch (error) {
    problems.push(`valid request failed: ${(error as Error).message}`);
  }
  return problems;
}

/**
 * Starts both services, fuzzes, loads and watches them, and stops them again. Throws when the
 * run itself cannot go on (a service does not start, an enrollment fails); a check that
 * fails is reported in `checks` and `passed`.
 */
export async function runStress(options: StressOptions): Promise<StressReport> {
  const { frames, requests, clients, perClient, workers, seed } = options;
  if (requests < 6) throw new RangeError(`requests: expected at least 6, got ${requests}`);
  const say = options.say ?? (() => {});
  const orl: Orl = (p, i) => Deno.readFileSync(`${options.datasets}/orl/s${p}/${i}.pgm`);
  const probes = PEOPLE.flatMap((p) =>
    [6, 7, 8, 9, 10].map((i) => ({ person: p, data: orl(p, i) }))
  );
  await using stack = await startStack({ workers, extraArgs: ["--log-level", "warn"] });
  const { detector, recognizer } = stack;
  for (const p of PEOPLE) {
    const reply = await call(detector, {
      op: "enroll",
      name: `orl-${p}`,
      images: [1, 2, 3, 4, 5].map((i) => ({ data: orl(p, i) })),
    });
    if (reply.status !== "ok") throw new Error(`enroll orl-${p}: ${JSON.stringify(reply)}`);
  }
  say(`stress: seed ${seed}, ${workers} worker(s) per service, ${PEOPLE.length} people enrolled`);
  // Valid requests to mutate. The enroll name breaks three rules at once ("..", "/", NUL),
  // so no handful of bit flips makes it acceptable: a mutated enroll never stores a face,
  // which would change later answers and keep the recognizer retraining.
  const face = decodeGray(orl(30, 1));
  const crop = {
    width: face.width,
    height: face.height,
    pixels: face.data,
    box: { x: 0, y: 0, width: face.width, height: face.height },
    imageIndex: 0,
  };
  const common: Request[] = [
    { op: "list" },
    { op: "stats", token: "tok" },
    { op: "forget", name: "fuzz-nobody" },
  ];
  const toDetector = [
    ...common,
    { op: "identify", algorithm: "lbph", threshold: 50, images: [{ data: orl(30, 2) }] },
    { op: "enroll", name: FUZZ_NAME, images: [{ filename: "a.pgm", data: orl(30, 3) }] },
  ].map((r) => encodeRequest(r as Request));
  const toRecognizer = [
    ...common,
    { op: "identify", algorithm: "eigen", faces: [crop] },
    { op: "enroll", name: FUZZ_NAME, faces: [crop] },
  ].map((r) => encodeRequest(r as Request));

  const rng = new Rng(seed);
  const started = performance.now();
  const [fuzzDetector, fuzzRecognizer] = await Promise.all([
    fuzz(detector, toDetector, frames, rng),
    fuzz(recognizer, toRecognizer, frames, rng),
  ]);
  const fuzzSeconds = round((performance.now() - started) / 1000, 1);
  const afterFuzz = await checkHealthy(detector, recognizer, orl);
  const crashes = (await Promise.all([detector, recognizer].map(exited))).filter(Boolean).length;
  say(
    `fuzz: ${fuzzDetector.sent + fuzzRecognizer.sent} frames sent ` +
      `(${fuzzDetector.sent} detector, ${fuzzRecognizer.sent} recognizer) in ${fuzzSeconds} s; ` +
      `${fuzzDetector.replies + fuzzRecognizer.replies} replies, ` +
      `${fuzzDetector.silentCloses + fuzzRecognizer.silentCloses} silent closes, ` +
      `${fuzzDetector.errors + fuzzRecognizer.errors} errors, ${crashes} crashes`,
  );
  for (const [name, s] of [["detector", fuzzDetector], ["recognizer", fuzzRecognizer]] as const) {
    say(`  ${name} statuses: ${JSON.stringify(s.statuses)}`);
    for (const e of s.firstErrors) say(`  ${name} error: ${e}`);
  }
  for (const p of afterFuzz) say(`  after fuzz: ${p}`);

  const loadStats = await load(detector, probes, clients, perClient);
  say(
    `load: ${clients} clients x ${perClient} identify: ${
      loadStats.requests - loadStats.errors
    } ok, ` +
      `${loadStats.errors} errors, p50 ${loadStats.p50Ms} ms, p99 ${loadStats.p99Ms} ms, ` +
      `${loadStats.perSecond}/s`,
  );
  for (const e of loadStats.firstErrors) say(`  load error: ${e}`);

  const mem = await memory(detector, recognizer, probes, requests);
  const mib = (k: number) => round(k / 1024, 1);
  say(
    `memory: identify loop of ${mem.requests} (${mem.errors} errors); RSS@${mem.at[0]} -> ` +
      `RSS@${mem.at[1]}: detector ${mib(mem.detectorKiB[0]!)} -> ${mib(mem.detectorKiB[1]!)} MiB ` +
      `(${round(mem.detectorGrowth * 100, 1)}%), recognizer ${mib(mem.recognizerKiB[0]!)} -> ` +
      `${mib(mem.recognizerKiB[1]!)} MiB (${round(mem.recognizerGrowth * 100, 1)}%)`,
  );
  const final = await checkHealthy(detector, recognizer, orl);
  for (const p of final) say(`  at the end: ${p}`);

  const checks: [string, boolean][] = [
    ["fuzz: no errors", fuzzDetector.errors + fuzzRecognizer.errors === 0],
    ["fuzz: no crashes, valid requests still answered correctly", afterFuzz.length === 0],
    ["load: 0 errors", loadStats.errors === 0],
    ["memory: loop had 0 errors", mem.errors === 0],
    [
      `memory: RSS growth < ${MAX_RSS_GROWTH * 100}% for both`,
      mem.detectorGrowth < MAX_RSS_GROWTH && mem.recognizerGrowth < MAX_RSS_GROWTH,
    ],
    ["healthy at the end", final.length === 0],
  ];
  for (const [what, ok] of checks) say(`${ok ? "PASS" : "FAIL"} ${what}`);
  return {
    seed,
    workers,
    fuzz: {
      framesSent: fuzzDetector.sent + fuzzRecognizer.sent,
      seconds: fuzzSeconds,
      errors: fuzzDetector.errors + fuzzRecognizer.errors,
      crashes,
      detector: fuzzDetector,
      recognizer: fuzzRecognizer,
      afterFuzz,
    },
    load: loadStats,
    memory: mem,
    final,
    checks: checks.map(([what, ok]) => ({ what, ok })),
    passed: checks.every(([, ok]) => ok),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      frames: { type: "string", default: "10000" },
      requests: { type: "string", default: "3000" },
      clients: { type: "string", default: "16" },
      "per-client": { type: "string", default: "100" },
      workers: { type: "string", default: "1" },
      seed: { type: "string", default: String(Date.now() % 1_000_000) },
      datasets: { type: "string" },
      json: { type: "boolean", default: false },
    },
  });
  const num = (name: keyof typeof values, min: number) => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < min) {
      console.error(`stress: --${name}: expected an integer >= ${min}, got ${values[name]}`);
      Deno.exit(64);
    }
    return n;
  };
  const datasets = values.datasets ?? decodeURIComponent(
    new URL(Deno.env.get("FACEREC_DATASETS") || "../shared/datasets", ROOT).pathname,
  );
  let report: StressReport;
  try {
    report = await runStress({
      frames: num("frames", 0),
      requests: num("requests", 6),
      clients: num("clients", 1),
      perClient: num("per-client", 1),
      workers: num("workers", 1),
      seed: num("seed", 0),
      datasets,
      say: values.json ? undefined : (line) => console.log(line),
    });
  } catch (error) {
    console.error(`stress: ${(error as Error).stack ?? error}`);
    Deno.exit(1);
  }
  if (values.json) console.log(JSON.stringify(report));
  Deno.exit(report.passed ? 0 : 1);
}

if (import.meta.main) await main();
