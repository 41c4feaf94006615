/**
 * The facerec benchmark, side by side with native OpenCV (Debian python3-opencv 4.6, one
 * thread) timed in the same run. Writes docs/BENCHMARKS.md and its SVG charts.
 *
 *   deno task bench                       full run (about an hour), writes docs/
 *   deno task bench --quick               smaller everything, writes out/bench/
 *   deno task bench --sections dnn,enroll the named sections only, merged into docs/bench.json
 *                                         (the other sections keep their figures and dates)
 *   deno task bench --out DIR             where BENCHMARKS.md, the SVGs and bench.json go
 *
 * Sections: decode (ms/image per format), detect (Haar on the annotated photos), recognition
 * (train/predict per algorithm on ORL), throughput (identify through real services with 1
 * and 2 workers, 1/4/16 clients), scale (galleries of 100 to 10,000 faces), dnn (the default
 * YuNet + descriptor pipeline in process, against face-api, and through the services:
 * scripts/bench_dnn.ts), dnn-scale (dnn at 10,000 faces: scripts/bench_dnn_scale.ts), enroll
 * (enrolling into an empty gallery and into one of 400 faces: scripts/bench_enroll.ts), dnn-100k
 * (identify with 100,000 stored descriptors against 5: scripts/bench_dnn_100k.ts).
 * @module
 */
import { wholeImageFace } from "./lib/whole_face.ts";
import { parseArgs } from "node:util";
import { decodeGray } from "../lib/imaging/decode.ts";
import { HaarDetector } from "../lib/detection/haar.ts";
import { Gallery } from "../lib/gallery/mod.ts";
import type { Endpoint } from "../lib/transport/mod.ts";
import type { WireFace } from "../lib/protocol/messages.ts";
import { type Algorithm as AlgorithmName, CLASSIC_ALGORITHMS } from "../lib/core/algorithms.ts";
import { benchRecognition } from "./bench_recognition.ts";
import { readOrl, syntheticFace } from "./bench_gallery.ts";
import { type ServiceProcess, startService, startStack } from "../tests/_support/services.ts";
import { barChart, lineChart } from "./bench_svg.ts";
import { renderReport } from "./bench_report.ts";
import { mean, percentile, round } from "../lib/evaluation/stats.ts";
import { benchDnn, DNN_FULL, DNN_QUICK, type DnnConfig, type DnnResult } from "./bench_dnn.ts";
import {
  benchDnnScale,
  DNN_SCALE_FULL,
  DNN_SCALE_QUICK,
  type DnnScaleConfig,
  type DnnScaleResult,
} from "./bench_dnn_scale.ts";
import {
  benchDnn100k,
  type Dnn100kConfig,
  type Dnn100kResult,
  DNN_100K_FULL,
  DNN_100K_QUICK,
} from "./bench_dnn_100k.ts";
import {
  benchEnroll,
  ENROLL_FULL,
  ENROLL_QUICK,
  type EnrollConfig,
  type EnrollResult,
} from "./bench_enroll.ts";
import {
  call,
  endpointOf,
  listImages,
  log,
  median,
  rssOf,
  trainedLines,
  waitReady,
} from "./lib/bench_util.ts";

const HERE = new URL(".", import.meta.url).pathname;
const ROOT = `${HERE}../`;
const SHARED = `${ROOT}../shared`;
const PYTHON = "/usr/bin/python3";
const NATIVE = `${HERE}bench_native.py`;
const ANNOTATED = `${SHARED}/datasets/detection/annotated`;
const LFW = `${SHARED}/datasets/lfw10`;
const ALGORITHMS: readonly AlgorithmName[] = CLASSIC_ALGORITHMS;
export const SECTIONS = [
  "decode",
  "detect",
  "recognition",
  "throughput",
  "scale",
  "dnn",
  "dnn-scale",
  "enroll",
  "dnn-100k",
] as const;
/** One of {@link SECTIONS}. */
export type Section = typeof SECTIONS[number];

/** Knobs that --quick shrinks. */
export interface BenchConfig {
  quick: boolean;
  decodeReps: number;
  detectReps: number;
  throughputSeconds: number;
  clients: number[];
  workers: number[];
  scaleLevels: number[];
  probes: number;
  dnn: DnnConfig;
  dnnScale: DnnScaleConfig;
  dnn100k: Dnn100kConfig;
  enroll: EnrollConfig;
}

const FULL: BenchConfig = {
  quick: false,
  decodeReps: 30,
  detectReps: 3,
  throughputSeconds: 8,
  clients: [1, 4, 16],
  workers: [1, 2],
  scaleLevels: [100, 1000, 5000, 10000],
  probes: 40,
  dnn: DNN_FULL,
  dnnScale: DNN_SCALE_FULL,
  dnn100k: DNN_100K_FULL,
  enroll: ENROLL_FULL,
};
const QUICK: BenchConfig = {
  quick: true,
  decodeReps: 5,
  detectReps: 1,
  throughputSeconds: 2,
  clients: [1, 4, 16],
  workers: [1, 2],
  scaleLevels: [100, 500],
  probes: 10,
  dnn: DNN_QUICK,
  dnnScale: DNN_SCALE_QUICK,
  dnn100k: DNN_100K_QUICK,
  enroll: ENROLL_QUICK,
};

// ---------------------------------------------------------------- helpers

async function native<T>(args: string[]): Promise<T | undefined> {
  try {
    const out = await new Deno.Command(PYTHON, {
      args: [NATIVE, ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      log(`native ${args[0]} failed: ${new TextDecoder().decode(out.stderr).slice(-300)}`);
      return undefined;
    }
    return JSON.parse(new TextDecoder().decode(out.stdout)) as T;
  } catch (error) {
    log(`native ${args[0]} unavailable: ${error instanceof Error ? error.message : error}`);
    return undefined;
  }
}

// ---------------------------------------------------------------- decode

/** Decode time per format, ours against cv2.imdecode. */
export interface DecodeResult {
  source: string;
  width: number;
  height: number;
  formats: { format: string; bytes: number; ms: number; nativeMs?: number; ratio?: number }[];
}

async function benchDecode(config: BenchConfig): Promise<DecodeResult> {
  const dir = await Deno.makeTempDir({ prefix: "facerec-bench-decode-" });
  const source = `${ANNOTATED}/2008_001322.jpg`;
  try {
    const made = await native<{ width: number; height: number }>(["encode", source, dir]);
    let files: string[];
    if (made) {
      files = ["photo.jpg", "photo.png", "photo.webp", "photo.gif", "photo.pgm"].map((f) =>
        `${dir}/${f}`
      );
    } else {
      const fx = `${ROOT}tests/fixtures/images`;
      files = ["face.jpg", "face.png", "face_lossy.webp", "face_anim.gif", "face_p2.pgm"].map((f) =>
        `${fx}/${f}`
      );
    }
    const theirs = await native<Record<string, number>>([
      "decode",
      String(config.decodeReps),
      ...files,
    ]);
    const formats: DecodeResult["formats"] = [];
    let width = 0, height = 0;
    for (const file of files) {
      const bytes = await Deno.readFile(file);
      const first = decodeGray(bytes);
      width = first.width;
      height = first.height;
      const times: number[] = [];
      for (let i = 0; i < config.decodeReps + 2; i++) {
        const t = performance.now();
        decodeGray(bytes);
        if (i >= 2) times.push(performance.now() - t); // two warm-up decodes
      }
      const name = file.split("/").pop()!;
      const ms = median(times);
      const nativeMs = theirs?.[name];
      formats.push({
        format: name.split(".").pop()!.toUpperCase().replace("JPG", "JPEG"),
        bytes: bytes.length,
        ms: round(ms, 3),
        nativeMs: nativeMs === undefined ? undefined : round(nativeMs, 3),
        ratio: nativeMs ? round(ms / nativeMs, 2) : undefined,
      });
      log(`decode ${name}: ${ms.toFixed(2)} ms (native ${nativeMs?.toFixed(2) ?? "-"})`);
    }
    return {
      source: made ? "2008_001322.jpg re-encoded" : "tests/fixtures/images",
      width,
      height,
      formats,
    };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

// ---------------------------------------------------------------- detect

/** Haar detection time on the annotated photos, ours against native. */
export interface DetectResult {
  images: number;
  msPerImage: number;
  nativeMsPerImage?: number;
  ratio?: number;
  faces: number;
  nativeFaces?: number;
  perImage: { file: string; ms: number; nativeMs?: number }[];
}

async function benchDetect(config: BenchConfig): Promise<DetectResult> {
  const files = await listImages(ANNOTATED, /\.jpe?g$/i);
  const theirs = await native<{ ms: Record<string, number>; faces: Record<string, number> }>([
    "detect",
    String(config.detectReps),
    ...files,
  ]);
  using detector = await HaarDetector.create();
  const perImage: DetectResult["perImage"] = [];
  let faces = 0;
  for (const file of files) {
    const gray = decodeGray(await Deno.readFile(file));
    detector.detect(gray); // warm-up
    let best = Infinity, found = 0;
    for (let i = 0; i < config.detectReps; i++) {
      const t = performance.now();
      found = detector.detect(gray).length;
      best = Math.min(best, performance.now() - t);
    }
    faces += found;
    const name = file.split("/").pop()!;
    perImage.push({ file: name, ms: round(best, 2), nativeMs: theirs?.ms[name] });
  }
  const ours = mean(perImage.map((p) => p.ms));
  const nativeMs = theirs ? mean(Object.values(theirs.ms)) : undefined;
  log(`detect: ${ours.toFixed(1)} ms/image (native ${nativeMs?.toFixed(1) ?? "-"})`);
  return {
    images: files.length,
    msPerImage: round(ours, 2),
    nativeMsPerImage: nativeMs === undefined ? undefined : round(nativeMs, 2),
    ratio: nativeMs ? round(ours / nativeMs, 2) : undefined,
    faces,
    nativeFaces: theirs ? Object.values(theirs.faces).reduce((s, v) => s + v, 0) : undefined,
    perImage,
  };
}

// ---------------------------------------------------------------- throughput

/** Identify through the real detector and recognizer. */
export interface ThroughputRow {
  workers: number;
  clients: number;
  requests: number;
  errors: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
}

async function benchThroughput(config: BenchConfig): Promise<{
  image: string;
  algorithm: AlgorithmName;
  rows: ThroughputRow[];
}> {
  const people = (await Array.fromAsync(Deno.readDir(LFW))).filter((e) => e.isDirectory)
    .map((e) => e.name).sort().slice(0, 5);
  const probes: Uint8Array[] = [];
  const rows: ThroughputRow[] = [];
  const algorithm: AlgorithmName = "lbph";
  for (const workers of config.workers) {
    log(`throughput: starting services with --workers ${workers}`);
    await using stack = await startStack({ workers, extraArgs: ["--log-level", "warn"] });
    const detector = endpointOf(stack.detector);
    for (const person of people) {
      const files = await listImages(`${LFW}/${person}`, /\.jpg$/i);
      const images = await Promise.all(
        files.slice(0, 4).map(async (f) => ({ data: await Deno.readFile(f) })),
      );
      const reply = await call(detector, { op: "enroll", name: person, images });
      if (reply.status !== "ok") throw new Error(`enroll ${person}: ${JSON.stringify(reply)}`);
      if (probes.length < 10 * people.length) {
        for (const f of files.slice(5, 7)) probes.push(await Deno.readFile(f));
      }
    }
    const identify = (i: number) =>
      call(detector, {
        op: "identify",
        algorithm,
        images: [{ data: probes[i % probes.length]! }],
      });
    for (let i = 0; i < 10; i++) await identify(i); // warm-up (JIT, connections)
    for (const clients of config.clients) {
      const latencies: number[] = [];
      let errors = 0, next = 0;
      const started = performance.now();
      const deadline = started + config.throughputSeconds * 1000;
      await Promise.all(Array.from({ length: clients }, async () => {
        while (performance.now() < deadline) {
          const t = performance.now();
          const reply = await identify(next++).catch(() => undefined);
          if (!reply || reply.status !== "ok") errors++;
          else latencies.push(performance.now() - t);
        }
      }));
      const seconds = (performance.now() - started) / 1000;
      latencies.sort((a, b) => a - b);
      const row = {
        workers,
        clients,
        requests: latencies.length,
        errors,
        seconds: round(seconds, 2),
        rps: round(latencies.length / seconds, 1),
        p50: round(percentile(latencies, 0.5), 1),
        p99: round(percentile(latencies, 0.99), 1),
      };
      rows.push(row);
      log(`throughput workers=${workers} clients=${clients}: ${row.rps} req/s p50 ${row.p50} ms`);
    }
  }
  return { image: "lfw10 250x250 JPEG, one face", algorithm, rows };
}

// ---------------------------------------------------------------- scale

/** One gallery size. */
export interface ScaleLevel {
  faces: number;
  identities: number;
  /** Retrain (or incremental update) time per algorithm, from the recognizer's log. */
  trainMs: Partial<Record<AlgorithmName, { ms: number; mode: string }>>;
  identify: Partial<Record<AlgorithmName, { p50: number; p99: number; top1: number }>>;
  rssMb: number;
  peakRssMb: number;
  modelBytes: Partial<Record<AlgorithmName, number>>;
}

/** Identify and stats while Eigen/Fisher retrain on the largest gallery. */
export interface RetrainProbe {
  faces: number;
  enrollMs: number;
  idleP50: number;
  duringP50: number;
  duringP99: number;
  duringMax: number;
  identifies: number;
  statsMax: number;
  statsCount: number;
  peakRssMb: number;
}

async function benchScale(config: BenchConfig): Promise<{
  workers: number;
  levels: ScaleLevel[];
  retrain?: RetrainProbe;
}> {
  const orl = await readOrl();
  const dataDir = await Deno.makeTempDir({ prefix: "facerec-bench-scale-" });
  const workers = 2;
  const levels: ScaleLevel[] = [];
  let retrain: RetrainProbe | undefined;
  let identities = 0;
  const faceOf = (identity: number, index: number): WireFace =>
    wholeImageFace(syntheticFace(orl, identity, index));
  try {
    for (const [li, level] of config.scaleLevels.entries()) {
      const wanted = Math.floor(level / 10);
      log(`scale: filling the gallery to ${level} faces`);
      {
        using gallery = Gallery.open(`${dataDir}/gallery.db`);
        for (; identities < wanted; identities++) {
          gallery.addFaces(
            `id-${identities}`,
            Array.from({ length: 10 }, (_, i) => {
              const { width, height, data } = syntheticFace(orl, identities, i);
              return { width, height, pixels: data };
            }),
          );
        }
      }
      const started = performance.now();
      const service = await startService("recognizer", [
        "--port",
        "0",
        "--data",
        dataDir,
        "--workers",
        String(workers),
        "--log-level",
        "info",
      ]);
      try {
        const endpoint = endpointOf(service);
        await waitReady(endpoint, level, 20 * 60_000);
        const readyMs = performance.now() - started;
        const trained = trainedLines(service.log());
        const trainMs: ScaleLevel["trainMs"] = {};
        const modelBytes: ScaleLevel["modelBytes"] = {};
        for (const t of trained) {
          trainMs[t.algorithm] = { ms: t.ms, mode: t.mode };
          modelBytes[t.algorithm] = t.bytes;
        }
        log(
          `scale ${level}: models ready in ${(readyMs / 1000).toFixed(1)} s ${
            JSON.stringify(trainMs)
          }`,
        );
        const identify: ScaleLevel["identify"] = {};
        const probe = (i: number) => {
          const identity = (i * 7919) % wanted;
          return { identity, face: faceOf(identity, 10 + i) };
        };
        for (const algorithm of ALGORITHMS) {
          const latencies: number[] = [];
          let top1 = 0;
          for (let i = -3; i < config.probes; i++) {
            const { identity, face } = probe(i + 3);
            const t = performance.now();
            const reply = await call(endpoint, { op: "identify", algorithm, faces: [face] });
            const ms = performance.now() - t;
            if (reply.op !== "identify" || reply.status !== "ok") {
              throw new Error(`identify ${algorithm}: ${JSON.stringify(reply)}`);
            }
            if (i < 0) continue; // warm-up
            latencies.push(ms);
            if (reply.faces[0]?.candidates[0]?.name === `id-${identity}`) top1++;
          }
          latencies.sort((a, b) => a - b);
          identify[algorithm] = {
            p50: round(percentile(latencies, 0.5), 2),
            p99: round(percentile(latencies, 0.99), 2),
            top1: round(top1 / config.probes, 2),
          };
        }
        const { rss, peak } = rssOf(service.child.pid);
        levels.push({
          faces: level,
          identities: wanted,
          trainMs,
          identify,
          rssMb: rss,
          peakRssMb: peak,
          modelBytes,
        });
        log(`scale ${level}: identify ${JSON.stringify(identify)} rss ${rss} MB (peak ${peak})`);

        if (li === config.scaleLevels.length - 1) {
          retrain = await probeRetrain(endpoint, service, level, faceOf, identities, identify);
          identities++;
        }
      } finally {
        await service.stop();
      }
    }
  } finally {
    await Deno.remove(dataDir, { recursive: true }).catch(() => {});
  }
  return { workers, levels, retrain };
}

async function probeRetrain(
  endpoint: Endpoint,
  service: ServiceProcess,
  level: number,
  faceOf: (identity: number, index: number) => WireFace,
  identity: number,
  idle: ScaleLevel["identify"],
): Promise<RetrainProbe> {
  log(`scale ${level}: enrolling one more person (full Eigen/Fisher retrain) under load`);
  const started = performance.now();
  let done = false;
  const enroll = call(endpoint, {
    op: "enroll",
    name: `id-${identity}`,
    faces: Array.from({ length: 10 }, (_, i) => faceOf(identity, i)),
  }).finally(() => (done = true));
  const during: number[] = [], stats: number[] = [];
  let i = 0;
  while (!done) {
    const t = performance.now();
    const reply = await call(endpoint, {
      op: "identify",
      algorithm: "eigen",
      faces: [faceOf(i % identity, 10 + i)],
    });
    if (reply.status === "ok") during.push(performance.now() - t);
    const s = performance.now();
    await call(endpoint, { op: "stats" });
    stats.push(performance.now() - s);
    i++;
    await new Promise((r) => setTimeout(r, 100));
  }
  const reply = await enroll;
  if (reply.status !== "ok") throw new Error(`enroll during retrain: ${JSON.stringify(reply)}`);
  const enrollMs = performance.now() - started;
  during.sort((a, b) => a - b);
  const { peak } = rssOf(service.child.pid);
  const result = {
    faces: level,
    enrollMs: round(enrollMs, 0),
    idleP50: idle.eigen?.p50 ?? NaN,
    duringP50: round(percentile(during, 0.5), 2),
    duringP99: round(percentile(during, 0.99), 2),
    duringMax: round(during[during.length - 1] ?? NaN, 2),
    identifies: during.length,
    statsMax: round(Math.max(...stats), 2),
    statsCount: stats.length,
    peakRssMb: peak,
  };
  log(`scale retrain probe: ${JSON.stringify(result)}`);
  return result;
}

// ---------------------------------------------------------------- main

/** Everything one run measured. */
export interface BenchResults {
  date: string;
  quick: boolean;
  machine: { cpus: number; memoryGb: number; deno: string; v8: string };
  sections: Section[];
  seconds?: number;
  decode?: DecodeResult;
  detect?: DetectResult;
  // deno-lint-ignore no-explicit-any
  recognition?: any;
  throughput?: Awaited<ReturnType<typeof benchThroughput>>;
  scale?: Awaited<ReturnType<typeof benchScale>>;
  dnn?: DnnResult;
  dnnScale?: DnnScaleResult;
  dnn100k?: Dnn100kResult;
  enroll?: EnrollResult;
  /** When each section was last measured, and how long it took (s). */
  runs?: Partial<Record<Section, { date: string; seconds: number }>>;
}

/** The BenchResults field each section fills. */
const FIELD: Record<Section, keyof BenchResults> = {
  decode: "decode",
  detect: "detect",
  recognition: "recognition",
  throughput: "throughput",
  scale: "scale",
  dnn: "dnn",
  "dnn-scale": "dnnScale",
  enroll: "enroll",
  "dnn-100k": "dnn100k",
};

/**
 * `fresh` laid over `saved`: the sections `fresh` ran replace theirs, the others keep their
 * figures and their dates, so a `--sections` run never drops what it did not measure.
 */
export function mergeResults(saved: BenchResults, fresh: BenchResults): BenchResults {
  const merged = { ...saved, ...fresh } as Record<string, unknown>;
  for (const section of SECTIONS) {
    if (!fresh.sections.includes(section) && saved[FIELD[section]] !== undefined) {
      merged[FIELD[section]] = saved[FIELD[section]];
    }
  }
  const runs: BenchResults["runs"] = {};
  for (const section of saved.sections) {
    runs[section] = saved.runs?.[section] ?? { date: saved.date, seconds: NaN };
  }
  Object.assign(runs, fresh.runs);
  merged.runs = runs;
  merged.sections = SECTIONS.filter((s) =>
    fresh.sections.includes(s) || saved.sections.includes(s)
  );
  merged.seconds = Object.values(runs).reduce((n, r) => n + (r?.seconds || 0), 0);
  return merged as unknown as BenchResults;
}

/** Runs `deno fmt` on what was written, so that `deno fmt --check` stays clean. */
async function formatFiles(dir: string, svgs: string[]): Promise<void> {
  const files = ["BENCHMARKS.md", "bench.json", ...svgs].map((f) => `${dir}/${f}`);
  await new Deno.Command(Deno.execPath(), { args: ["fmt", "-q", ...files], stdout: "null" })
    .output();
}

/** The SVG charts of a run, by file name. */
export function charts(r: BenchResults): Record<string, string> {
  const out: Record<string, string> = {};
  const ratios: { label: string; value: number; series: number }[] = [];
  for (const f of r.decode?.formats ?? []) {
    if (f.ratio !== undefined) {
      ratios.push({ label: `decode ${f.format}`, value: f.ratio, series: 0 });
    }
  }
  if (r.detect?.ratio !== undefined) {
    ratios.push({ label: "Haar detection", value: r.detect.ratio, series: 1 });
  }
  for (const a of ALGORITHMS) {
    const x = r.recognition?.results?.[a];
    if (x?.train_ratio !== undefined) {
      ratios.push({ label: `${a} train`, value: x.train_ratio, series: 2 });
    }
    if (x?.predict_ratio !== undefined) {
      ratios.push({ label: `${a} predict`, value: x.predict_ratio, series: 3 });
    }
  }
  if (ratios.length) {
    out["bench_vs_native.svg"] = barChart({
      title: "Time relative to native OpenCV 4.6 (one thread), same run; lower is faster",
      bars: ratios,
      unit: "ours / native (1.0 = as fast as native)",
      reference: { value: 1, label: "native" },
      clipAt: 4,
    });
  }
  if (r.throughput) {
    const bars = r.throughput.rows.map((row) => ({
      label: `${row.clients} client${row.clients > 1 ? "s" : ""}, ${row.workers} worker${
        row.workers > 1 ? "s" : ""
      }`,
      value: row.rps,
      series: row.workers - 1,
    }));
    out["bench_throughput.svg"] = barChart({
      title: "Identify throughput end to end (detector + recognizer)",
      bars,
      unit: "requests per second",
      legend: r.throughput.rows.some((x) => x.workers === 2)
        ? ["1 worker", "2 workers"]
        : undefined,
    });
  }
  if (r.scale && r.scale.levels.length > 1) {
    const xs = r.scale.levels.map((l) => l.faces);
    out["bench_scale.svg"] = lineChart({
      title: "Identify latency (p50, one face) against gallery size",
      xs,
      xLabel: "enrolled faces",
      yLabel: "ms",
      series: ALGORITHMS.map((a) => ({
        name: a,
        values: r.scale!.levels.map((l) => l.identify[a]?.p50),
      })),
      targets: [{ value: 250, label: "LBPH target" }, { value: 20, label: "Eigen/Fisher target" }],
    });
  }
  return out;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      quick: { type: "boolean", default: false },
      sections: { type: "string" },
      out: { type: "string" },
      "scale-levels": { type: "string" },
      render: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(
      "Usage: deno task bench [--quick] [--sections " + SECTIONS.join(",") +
        "] [--scale-levels 100,1000] [--out DIR] [--render bench.json]",
    );
    Deno.exit(0);
  }
  if (values.render) {
    // Re-renders the report and charts from a saved bench.json (e.g. after editing the text).
    const saved = JSON.parse(await Deno.readTextFile(values.render)) as BenchResults;
    const dir = values.out ?? values.render.replace(/\/[^/]*$/, "");
    const svgs = charts(saved);
    for (const [name, svg] of Object.entries(svgs)) await Deno.writeTextFile(`${dir}/${name}`, svg);
    await Deno.writeTextFile(`${dir}/BENCHMARKS.md`, renderReport(saved, Object.keys(svgs)));
    await formatFiles(dir, Object.keys(svgs));
    Deno.exit(0);
  }
  const config = { ...(values.quick ? QUICK : FULL) };
  if (values["scale-levels"]) config.scaleLevels = values["scale-levels"].split(",").map(Number);
  const sections = (values.sections?.split(",") ?? [...SECTIONS]) as Section[];
  for (const s of sections) {
    if (!SECTIONS.includes(s)) {
      console.error(`--sections: expected some of ${SECTIONS.join(",")}, got ${s}`);
      Deno.exit(2);
    }
  }
  // A full-size run writes docs/ (merging into what is there when only some sections ran);
  // --quick and --scale-levels runs are not comparable, so they go to out/bench/.
  const comparable = !values.quick && !values["scale-levels"];
  const outDir = values.out ?? (comparable ? `${ROOT}docs` : `${ROOT}out/bench`);
  let results: BenchResults = {
    date: new Date().toISOString(),
    quick: config.quick,
    machine: {
      cpus: navigator.hardwareConcurrency,
      memoryGb: round(Deno.systemMemoryInfo().total / 2 ** 30, 1),
      deno: Deno.version.deno,
      v8: Deno.version.v8,
    },
    sections,
    runs: {},
  };
  const t0 = performance.now();
  const run = async <T>(section: Section, body: () => Promise<T>) => {
    if (!sections.includes(section)) return;
    const started = performance.now();
    (results as unknown as Record<string, unknown>)[FIELD[section]] = await body();
    results.runs![section] = {
      date: new Date().toISOString(),
      seconds: round((performance.now() - started) / 1000, 0),
    };
  };
  await run("decode", () => benchDecode(config));
  await run("detect", () => benchDetect(config));
  await run("recognition", () => {
    log("recognition: ORL train/predict against native");
    return benchRecognition();
  });
  await run("throughput", () => benchThroughput(config));
  await run("scale", () => benchScale(config));
  await run("dnn", () => benchDnn(config.dnn));
  await run("dnn-scale", () => benchDnnScale(config.dnnScale));
  await run("enroll", () => benchEnroll(config.enroll));
  await run("dnn-100k", () => benchDnn100k(config.dnn100k));
  results.seconds = round((performance.now() - t0) / 1000, 0);
  await Deno.mkdir(outDir, { recursive: true });
  if (sections.length < SECTIONS.length) {
    const saved = await Deno.readTextFile(`${outDir}/bench.json`).then(
      (text) => JSON.parse(text) as BenchResults,
      () => undefined,
    );
    if (saved && saved.quick === results.quick) results = mergeResults(saved, results);
  }
  // The figures first: a report that fails to render can be redone with --render.
  await Deno.writeTextFile(`${outDir}/bench.json`, JSON.stringify(results, null, 2) + "\n");
  const svgs = charts(results);
  for (const [name, svg] of Object.entries(svgs)) {
    await Deno.writeTextFile(`${outDir}/${name}`, svg);
  }
  await Deno.writeTextFile(`${outDir}/BENCHMARKS.md`, renderReport(results, Object.keys(svgs)));
  await formatFiles(outDir, Object.keys(svgs));
  log(`wrote ${outDir}/BENCHMARKS.md, bench.json and ${Object.keys(svgs).join(", ")}`);
  Deno.exit(0);
}
