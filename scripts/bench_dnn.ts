/**
 * The `dnn` bench section: the default pipeline (YuNet, 5-point alignment, dlib ResNet
 * descriptor, nearest neighbour) in process and through the real services.
 *
 * - In process (scripts/bench_dnn_inprocess.ts, each part in its own child process): YuNet
 *   ms per image, a 6000x4000 photo against the same at 1000 and 1280 px, alignment and
 *   descriptor ms per face, and our pipeline per photo against face-api's own (the peer)
 *   on the same photos, alternating the two children `rounds` times (best round each).
 * - End to end (tests/_support/services.ts, default detector YuNet): 5 lfw10 people
 *   enrolled with 3 photos each (`largest: true`), then single-photo `dnn` identifies:
 *   latency with one client, throughput with `--workers 1` and `2` under 4 and 8 clients,
 *   RSS of both services while serving, CPU per request per thread from /proc, and each
 *   service's pool alone (scripts/bench_dnn_stages.ts).
 * @module
 */
import type { IdentifyResponse } from "../lib/protocol/messages.ts";
import type { Algorithm as AlgorithmName } from "../lib/core/algorithms.ts";
import { round } from "../lib/evaluation/stats.ts";
import { startStack } from "../tests/_support/services.ts";
import {
  type MicroResult,
  PHOTO_SETS,
  type PhotoSet,
  type PipelineResult,
  type PipelineTiming,
  runChild,
} from "./bench_dnn_inprocess.ts";
import { type MemoryBreakdown, runMemoryProbe } from "./bench_memory_probe.ts";
import {
  type MachineScaling,
  machineScaling,
  noFacePhotos,
  type PoolScaling,
  poolScaling,
  wireFaces,
} from "./bench_dnn_stages.ts";
import {
  awaitQuiet,
  call,
  cpuSpent,
  endpointOf,
  latencyStats,
  LFW,
  lfwPeople,
  listImages,
  log,
  otherLoad,
  processCpuMs,
  rssOf,
  sampleRss,
  threadCpu,
} from "./lib/bench_util.ts";

/** Knobs of {@link benchDnn}. */
export interface DnnConfig {
  reps: number;
  rounds: number;
  latencyRequests: number;
  throughputSeconds: number;
  /** Rounds of each pool alone, alternating the `--workers 1` and `2` stacks. */
  poolRounds: number;
  clients: number[];
  workers: number[];
}

/** The full run's knobs. */
export const DNN_FULL: DnnConfig = {
  reps: 3,
  rounds: 2,
  latencyRequests: 100,
  throughputSeconds: 10,
  poolRounds: 5,
  clients: [4, 8],
  workers: [1, 2],
};
/** --quick's. */
export const DNN_QUICK: DnnConfig = {
  reps: 1,
  rounds: 1,
  latencyRequests: 20,
  throughputSeconds: 3,
  poolRounds: 1,
  clients: [4, 8],
  workers: [1, 2],
};

/** Ours against the peer on one photo set (best round of each). */
export interface PipelineComparison {
  ours: PipelineTiming;
  peer: PipelineTiming;
  /** ours.msPerPhoto / peer.msPerPhoto (best round of each). */
  ratio: number;
  /** The same in CPU ms per photo (best round of each). */
  cpuRatio: number;
  /** Every round's ms per photo, ours and peer, in the order run. */
  rounds: { ours: number; peer: number; oursCpu: number; peerCpu: number }[];
}

/** Throughput of one stack under one number of clients. */
export interface DnnThroughputRow {
  workers: number;
  clients: number;
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Cores other processes on the machine used meanwhile, on average. */
  otherCores: number;
}

/** CPU ms per identify, by where it ran (from /proc/PID/task/TID/stat). */
export interface CpuPerRequest {
  /** The detector's worker threads (decode, YuNet, crops and chips). */
  detectorWorkers: number;
  /** The rest of the detector: its main thread (TLV, sockets), V8 and tokio helpers. */
  detectorOther: number;
  /** The recognizer's worker threads (the descriptor network). */
  recognizerWorkers: number;
  /** The rest of the recognizer: main thread (search, TLV, SQLite names), helpers. */
  recognizerOther: number;
  /** The benchmark process (the clients: encoding requests, decoding replies). */
  clients: number;
  /** The busiest single thread, and its ms per request. */
  busiest: { service: string; thread: string; ms: number };
}

/** One `--workers N` stack. */
export interface DnnStack {
  workers: number;
  enrolledFaces: number;
  probes: number;
  /** One client, sequential single-photo identifies. */
  latency: {
    requests: number;
    p50: number;
    p99: number;
    top1: number;
    facesPerPhoto: number;
    otherCores: number;
    /**
     * CPU ms per request of both services together (every thread): with one client nearly
     * all of it is on the request's path, so it approximates the latency of an idle machine.
     */
    cpuMs: number;
  };
  rows: DnnThroughputRow[];
  /** MiB: after start, after enrolling, the largest sample while serving, VmHWM at the end. */
  rss: Record<"detector" | "recognizer", {
    start: number;
    idle: number;
    serving: number;
    peak: number;
  }>;
  /** Measured over the run with the most clients. */
  cpu: CpuPerRequest;
}

/** Everything the section measured. */
export interface DnnResult {
  micro: MicroResult;
  pipeline: Record<PhotoSet, PipelineComparison>;
  pipelineRssMb: { ours: number; peer: number };
  memory: MemoryBreakdown;
  e2e: { image: string; algorithm: AlgorithmName; stacks: DnnStack[] };
  /** Each service's pool alone, `--workers 1` against `2` (scripts/bench_dnn_stages.ts). */
  pools?: PoolScaling;
  /** Two processes of each stage's inner loop against one (scripts/bench_dnn_stages.ts). */
  machine?: MachineScaling;
}

async function comparePipelines(config: DnnConfig) {
  const ours: PipelineResult[] = [], peer: PipelineResult[] = [];
  for (let r = 0; r < config.rounds; r++) {
    await awaitQuiet();
    log(`dnn: pipeline round ${r + 1}/${config.rounds}: ours`);
    ours.push(await runChild<PipelineResult>("ours"));
    await awaitQuiet();
    log(`dnn: pipeline round ${r + 1}/${config.rounds}: peer (face-api)`);
    peer.push(await runChild<PipelineResult>("peer"));
  }
  const best = (runs: PipelineResult[], set: PhotoSet) => {
    const all = runs.map((x) => x.sets[set]);
    const wall = all.reduce((a, b) => (b.msPerPhoto < a.msPerPhoto ? b : a));
    return { ...wall, cpuMsPerPhoto: Math.min(...all.map((x) => x.cpuMsPerPhoto)) };
  };
  const pipeline = {} as Record<PhotoSet, PipelineComparison>;
  for (const set of PHOTO_SETS) {
    const o = best(ours, set), p = best(peer, set);
    pipeline[set] = {
      ours: o,
      peer: p,
      ratio: round(o.msPerPhoto / p.msPerPhoto, 2),
      cpuRatio: round(o.cpuMsPerPhoto / p.cpuMsPerPhoto, 2),
      rounds: ours.map((x, i) => ({
        ours: x.sets[set].msPerPhoto,
        peer: peer[i]!.sets[set].msPerPhoto,
        oursCpu: x.sets[set].cpuMsPerPhoto,
        peerCpu: peer[i]!.sets[set].cpuMsPerPhoto,
      })),
    };
    log(
      `dnn pipeline ${set}: ours ${o.msPerPhoto} ms/photo, peer ${p.msPerPhoto} = ${
        pipeline[set].ratio
      }x`,
    );
  }
  return {
    pipeline,
    pipelineRssMb: {
      ours: Math.max(...ours.map((x) => x.peakRssMb)),
      peer: Math.max(...peer.map((x) => x.peakRssMb)),
    },
  };
}

function cpuPerRequest(
  spent: {
    detector: Map<string, number>;
    recognizer: Map<string, number>;
    clients: Map<string, number>;
  },
  requests: number,
): CpuPerRequest {
  const split = (m: Map<string, number>) => {
    let workers = 0, other = 0;
    for (const [name, ms] of m) name.startsWith("worker-") ? (workers += ms) : (other += ms);
    return { workers: round(workers / requests, 1), other: round(other / requests, 1) };
  };
  const d = split(spent.detector), r = split(spent.recognizer);
  let busiest = { service: "", thread: "", ms: 0 };
  for (const service of ["detector", "recognizer"] as const) {
    for (const [thread, ms] of spent[service]) {
      if (ms / requests > busiest.ms) busiest = { service, thread, ms: round(ms / requests, 1) };
    }
  }
  const clients = [...spent.clients.values()].reduce((a, b) => a + b, 0);
  return {
    detectorWorkers: d.workers,
    detectorOther: d.other,
    recognizerWorkers: r.workers,
    recognizerOther: r.other,
    clients: round(clients / requests, 1),
    busiest,
  };
}

/** The end-to-end half alone (services only). */
export async function endToEnd(config: DnnConfig): Promise<DnnResult["e2e"]> {
  const people = (await lfwPeople()).slice(0, 5);
  const files = new Map<string, string[]>();
  for (const p of people) files.set(p, await listImages(`${LFW}/${p}`, /\.jpg$/i));
  const probes: { person: string; data: Uint8Array }[] = [];
  for (const p of people) {
    for (const f of files.get(p)!.slice(3)) {
      probes.push({ person: p, data: await Deno.readFile(f) });
    }
  }
  const algorithm: AlgorithmName = "dnn";
  const stacks: DnnStack[] = [];
  for (const workers of config.workers) {
    log(`dnn e2e: starting services with --workers ${workers}`);
    await using stack = await startStack({ workers, extraArgs: ["--log-level", "warn"] });
    const pids = { detector: stack.detector.child.pid, recognizer: stack.recognizer.child.pid };
    const start = { detector: rssOf(pids.detector).rss, recognizer: rssOf(pids.recognizer).rss };
    const detector = endpointOf(stack.detector);
    let enrolledFaces = 0;
    for (const person of people) {
      const images = await Promise.all(
        files.get(person)!.slice(0, 3).map(async (f) => ({ data: await Deno.readFile(f) })),
      );
      const reply = await call(detector, { op: "enroll", name: person, largest: true, images });
      if (reply.op !== "enroll" || reply.status !== "ok") {
        throw new Error(`enroll ${person}: ${JSON.stringify(reply)}`);
      }
      enrolledFaces += reply.stored;
    }
    const idle = { detector: rssOf(pids.detector).rss, recognizer: rssOf(pids.recognizer).rss };
    const identify = async (i: number) => {
      const probe = probes[i % probes.length]!;
      const reply = await call(detector, {
        op: "identify",
        algorithm,
        images: [{ data: probe.data }],
      });
      if (reply.op !== "identify" || reply.status !== "ok") {
        throw new Error(`identify: ${JSON.stringify(reply).slice(0, 300)}`);
      }
      return { reply: reply as IdentifyResponse, person: probe.person };
    };
    for (let i = 0; i < 10; i++) await identify(i); // warm-up (JIT, connections)

    const latencies: number[] = [];
    let right = 0, faces = 0;
    await awaitQuiet([pids.detector, pids.recognizer]);
    const quietLatency = otherLoad([pids.detector, pids.recognizer]);
    const cpu0 = [pids.detector, pids.recognizer].map(processCpuMs);
    for (let i = 0; i < config.latencyRequests; i++) {
      const t = performance.now();
      const { reply, person } = await identify(i);
      latencies.push(performance.now() - t);
      faces += reply.faces.length;
      if (reply.faces[0]?.name === person) right++;
    }
    const latency = {
      requests: latencies.length,
      ...latencyStats(latencies),
      top1: round(right / latencies.length, 2),
      facesPerPhoto: round(faces / latencies.length, 2),
      otherCores: quietLatency.stop(),
      cpuMs: round(
        [pids.detector, pids.recognizer].reduce(
          (n, pid, i) => n + processCpuMs(pid) - cpu0[i]!,
          0,
        ) /
          latencies.length,
        1,
      ),
    };
    log(`dnn e2e workers=${workers} 1 client: p50 ${latency.p50} ms p99 ${latency.p99} ms`);

    const rows: DnnThroughputRow[] = [];
    const serving = { detector: 0, recognizer: 0 };
    let cpu: CpuPerRequest | undefined;
    for (const clients of config.clients) {
      const before = {
        detector: threadCpu(pids.detector),
        recognizer: threadCpu(pids.recognizer),
        clients: threadCpu(Deno.pid),
      };
      await awaitQuiet([pids.detector, pids.recognizer]);
      const sampler = sampleRss(pids);
      const quiet = otherLoad([pids.detector, pids.recognizer]);
      const times: number[] = [];
      let errors = 0, next = 0;
      const started = performance.now();
      const deadline = started + config.throughputSeconds * 1000;
      await Promise.all(Array.from({ length: clients }, async () => {
        while (performance.now() < deadline) {
          const t = performance.now();
          const ok = await identify(next++).then(() => true, () => false);
          if (ok) times.push(performance.now() - t);
          else errors++;
        }
      }));
      const seconds = (performance.now() - started) / 1000;
      const otherCores = quiet.stop();
      const rss = sampler.stop();
      serving.detector = Math.max(serving.detector, rss.detector!.maxRss);
      serving.recognizer = Math.max(serving.recognizer, rss.recognizer!.maxRss);
      cpu = cpuPerRequest({
        detector: cpuSpent(before.detector, threadCpu(pids.detector)),
        recognizer: cpuSpent(before.recognizer, threadCpu(pids.recognizer)),
        clients: cpuSpent(before.clients, threadCpu(Deno.pid)),
      }, times.length);
      const row = {
        workers,
        clients,
        requests: times.length,
        errors,
        seconds: round(seconds, 2),
        rps: round(times.length / seconds, 2),
        ...latencyStats(times),
        otherCores,
      };
      rows.push(row);
      log(`dnn e2e workers=${workers} clients=${clients}: ${row.rps} identify/s p50 ${row.p50} ms`);
    }
    const peak = (pid: number) => rssOf(pid).peak;
    stacks.push({
      workers,
      enrolledFaces,
      probes: probes.length,
      latency,
      rows,
      rss: {
        detector: {
          start: start.detector,
          idle: idle.detector,
          serving: serving.detector,
          peak: peak(pids.detector),
        },
        recognizer: {
          start: start.recognizer,
          idle: idle.recognizer,
          serving: serving.recognizer,
          peak: peak(pids.recognizer),
        },
      },
      cpu: cpu!,
    });
    log(
      `dnn e2e workers=${workers}: rss ${JSON.stringify(stacks.at(-1)!.rss)} cpu ${
        JSON.stringify(cpu)
      }`,
    );
  }
  return { image: "lfw10 250x250 JPEG (1-3 faces)", algorithm, stacks };
}

/** Runs the section. */
export async function benchDnn(config: DnnConfig): Promise<DnnResult> {
  await awaitQuiet();
  log("dnn: YuNet, alignment and descriptor in process");
  const micro = await runChild<MicroResult>("micro", ["--reps", String(config.reps)]);
  log(`dnn micro: ${JSON.stringify(micro)}`);
  const { pipeline, pipelineRssMb } = await comparePipelines(config);
  log("dnn: memory per worker isolate (scripts/bench_memory_probe.ts)");
  const memory = await runMemoryProbe();
  log(`dnn memory: ${JSON.stringify(memory)}`);
  const e2e = await endToEnd(config);
  log("dnn: each service's pool alone, --workers 1 against 2");
  const lists = await Promise.all(
    (await lfwPeople()).slice(0, 5).map((p) => listImages(`${LFW}/${p}`, /\.jpg$/i)),
  );
  const pools = await poolScaling({
    photos: await noFacePhotos(),
    faces: await wireFaces(lists.flatMap((files) => files.slice(3, 5))),
    enroll: await Deno.readFile(lists[0]![0]!),
    clients: Math.max(...config.clients),
    seconds: config.throughputSeconds,
    rounds: config.poolRounds,
  });
  log(`dnn pools: ${JSON.stringify(pools)}`);
  log("dnn: two processes against one, for each stage's inner loop");
  const machine = await machineScaling(config.throughputSeconds);
  return { micro, pipeline, pipelineRssMb, memory, e2e, pools, machine };
}
