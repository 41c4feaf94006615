/**
 * The `dnn-scale` bench section: the `dnn` recognizer with 10,000 enrolled faces.
 *
 * The gallery is written directly through `Gallery` (lib/gallery) by a child process
 * (`populate`), so neither detection nor the network runs per enrolled face:
 * - 9,995 synthetic faces of 1,000 identities (scripts/bench_gallery.ts's ORL-based grey
 *   crops, 10 per identity, the last one 5), each with the same real chip PNG and a synthetic
 *   128-d descriptor tagged `DESCRIPTOR_MODEL`: a random centre per identity, Gaussian
 *   around it, scaled so that distances look like dlib's (same person about 0.35-0.45 apart,
 *   different people about 0.9);
 * - 5 real faces of one lfw10 person (crop, chip and real descriptor, as an enroll through
 *   YuNet would store them), whose other 5 photos are the identify probes.
 *
 * The real recognizer (`--workers 2`) is then started on it. It serves dnn at once; the
 * classic models are stale and retrain (LBPH, Eigen and Fisher on 10,000 faces): dnn is
 * timed once while they train and again once everything is ready, and the targets are
 * judged on the second. Also: EmbeddingIndex.search in process at 10,000 and 100,000
 * vectors, an enroll of one face straight to the recognizer, and its RSS.
 *
 *   deno run -A scripts/bench_dnn_scale.ts populate DIR   # the child
 * @module
 */
import { parseArgs } from "node:util";
import { Gallery, type NewFace } from "../lib/gallery/mod.ts";
import type { WireFace } from "../lib/protocol/messages.ts";
import { EmbeddingIndex } from "../lib/recognition/embedding_index.ts";
import {
  adoptRecognizer,
  createRecognizer,
  loadRecognizer,
  shareRecognizer,
} from "../lib/recognition/mod.ts";
import { DESCRIPTOR_LENGTH, DESCRIPTOR_MODEL } from "../lib/recognition/face_descriptor.ts";
import { FACE_HEIGHT, FACE_WIDTH } from "../lib/imaging/image.ts";
import { mean, round } from "../lib/evaluation/stats.ts";
import { startService } from "../tests/_support/services.ts";
import { random, readOrl, syntheticFace } from "./bench_gallery.ts";
import { wireFaces } from "./bench_dnn_stages.ts";
import {
  awaitQuiet,
  call,
  cpuNowMs,
  cpuSpent,
  endpointOf,
  latencyStats,
  LFW,
  lfwPeople,
  listImages,
  log,
  median,
  otherLoad,
  rssOf,
  sampleRss,
  threadCpu,
  trainedLines,
  waitReady,
} from "./lib/bench_util.ts";

/** Faces in the gallery. */
export const SCALE_FACES = 10_000;
const REAL = 5;
const PER_IDENTITY = 10;
const CHIP = 150;

/** Knobs of {@link benchDnnScale}. */
export interface DnnScaleConfig {
  faces: number;
  searchProbes: number;
  identifies: number;
  enrolls: number;
  workers: number;
}

/** Full run. */
export const DNN_SCALE_FULL: DnnScaleConfig = {
  faces: SCALE_FACES,
  searchProbes: 200,
  identifies: 60,
  enrolls: 20,
  workers: 2,
};
/** --quick. */
export const DNN_SCALE_QUICK: DnnScaleConfig = {
  faces: 2_000,
  searchProbes: 50,
  identifies: 15,
  enrolls: 3,
  workers: 2,
};

/** What the section measured. */
export interface DnnScaleResult {
  faces: number;
  people: number;
  workers: number;
  populateSeconds: number;
  /** EmbeddingIndex.search, one probe, ms (mean and p99 over the probes), and CPU ms. */
  search: { size: number; meanMs: number; p99Ms: number; cpuMs: number }[];
  /** Spawn to listening, and to every model ready. */
  startMs: { listening: number; ready: number };
  trainMs: Record<string, { ms: number; mode: string }>;
  /**
   * Sequential dnn identifies (one face with its chip) straight to the recognizer, with the
   * recognizer's CPU ms per request (its worker threads, the rest) and the cores other
   * processes used meanwhile.
   */
  identify: {
    requests: number;
    p50: number;
    p99: number;
    top1: number;
    cpuWorkersMs: number;
    cpuOtherMs: number;
    otherCores: number;
  };
  /** The same while the classic models were still training after start. */
  identifyWhileTraining?: { requests: number; p50: number; p99: number };
  /** One face (crop and chip) per enroll request, straight to the recognizer, in a row. */
  enroll: { ms: number[]; first: number; p50: number; lbphUpdateMs: number[]; otherCores: number };
  /**
   * What the LBPH "incremental" update an enroll waits for does, step by step, ms, on the
   * same gallery file in this process after the recognizer stopped (see lib/service/
   * recognition_worker.ts `updateFrom` and model_manager.ts `#loadPredictors`).
   */
  lbphProfile: LbphProfile;
  /** Per-request gallery queries on the same file (see {@link QueryProfile}). */
  queries: QueryProfile;
  /** MiB: largest sample while serving identifies after ready, and VmHWM at the end. */
  rss: { serving: number; peak: number };
}

// ---------------------------------------------------------------- the child

/** A standard normal deviate (Box-Muller). */
function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/**
 * Synthetic descriptors: `identities` centres with a per-dimension spread of 0.056 (about
 * 0.9 apart), faces 0.025 around them (about 0.4 from each other).
 */
export function syntheticDescriptors(
  identities: number,
  perIdentity: number,
  seed = 1,
): Float32Array[][] {
  const rand = random(seed);
  return Array.from({ length: identities }, () => {
    const centre = Array.from({ length: DESCRIPTOR_LENGTH }, () => 0.056 * gaussian(rand));
    return Array.from(
      { length: perIdentity },
      () => Float32Array.from(centre, (c) => c + 0.025 * gaussian(rand)),
    );
  });
}

/** A real face as the services make it. */
export interface RealFace {
  crop: Uint8Array;
  chip: Uint8Array;
  vector: Float32Array;
}

/** Crop, chip and descriptor of the largest face of each photo, as the services make them. */
export async function realFaces(files: string[]): Promise<RealFace[]> {
  const { FaceDescriptor } = await import("../lib/recognition/face_descriptor.ts");
  const faces = await wireFaces(files);
  using descriptor = await FaceDescriptor.create();
  return faces.map(({ pixels, chip }) => ({
    crop: pixels,
    chip: chip!.pixels,
    vector: descriptor.compute({ width: chip!.width, height: chip!.height, data: chip!.pixels }),
  }));
}

/** Writes the gallery and the probe files into `dir` (see the module documentation). */
/**
 * Enrolls the first faces of `real` (5) under `name`, as the service stores them: crop, chip
 * PNG and descriptor. The rest of `real` are that person's probes.
 */
export async function enrollReal(gallery: Gallery, name: string, real: RealFace[]): Promise<void> {
  const { encodeRgbPng } = await import("../lib/imaging/encode.ts");
  gallery.addFaces(
    name,
    real.slice(0, REAL).map((f) => ({
      width: FACE_WIDTH,
      height: FACE_HEIGHT,
      pixels: f.crop,
      chipPng: encodeRgbPng({ width: CHIP, height: CHIP, data: f.chip }),
      embedding: { model: DESCRIPTOR_MODEL, vector: f.vector },
    })),
  );
}

async function populate(dir: string, faces: number): Promise<void> {
  const { encodeRgbPng } = await import("../lib/imaging/encode.ts");
  const people = await lfwPeople();
  const photos = async (p: string) => await listImages(`${LFW}/${p}`, /\.jpg$/i);
  const real = await realFaces(await photos(people.at(-1)!));
  const fresh = await realFaces((await photos(people.at(-2)!)).slice(0, 5));
  const chipPng = encodeRgbPng({ width: CHIP, height: CHIP, data: fresh[0]!.chip });
  const orl = await readOrl();
  const synthetic = faces - REAL;
  const identities = Math.ceil(synthetic / PER_IDENTITY);
  const vectors = syntheticDescriptors(identities, PER_IDENTITY);
  using gallery = Gallery.open(`${dir}/gallery.db`);
  for (let id = 0; id < identities; id++) {
    const count = Math.min(PER_IDENTITY, synthetic - id * PER_IDENTITY);
    const batch: NewFace[] = Array.from({ length: count }, (_, j) => {
      const crop = syntheticFace(orl, id, j);
      return {
        width: crop.width,
        height: crop.height,
        pixels: crop.data,
        chipPng,
        embedding: { model: DESCRIPTOR_MODEL, vector: vectors[id]![j]! },
      };
    });
    gallery.addFaces(`id-${id}`, batch);
  }
  await enrollReal(gallery, people.at(-1)!, real);
  const probes = { person: people.at(-1)!, probes: real.slice(REAL), fresh };
  const files: Record<string, Uint8Array> = {};
  probes.probes.forEach((f, i) => {
    files[`probe-${i}.crop`] = f.crop;
    files[`probe-${i}.chip`] = f.chip;
  });
  fresh.forEach((f, i) => {
    files[`new-${i}.crop`] = f.crop;
    files[`new-${i}.chip`] = f.chip;
  });
  for (const [name, bytes] of Object.entries(files)) await Deno.writeFile(`${dir}/${name}`, bytes);
  await Deno.writeTextFile(
    `${dir}/probes.json`,
    JSON.stringify({
      person: probes.person,
      probes: probes.probes.length,
      fresh: fresh.length,
      people: identities + 1,
    }),
  );
}

// ---------------------------------------------------------------- the parent

/**
 * The steps of LBPH's part in a one-face enroll: `update` (the updater's held model) and
 * `append` (a prediction worker's copy, adopted from shared memory) are what the reply waits
 * for; `readBlob` and `decode` happen once, when the recognizer starts, and `encode` and
 * `store` once enrolling pauses (the snapshot).
 */
export const LBPH_STEPS = ["readBlob", "decode", "update", "append", "encode", "store"] as const;

/** {@link LBPH_STEPS}, wall and CPU ms each, and the model's size. */
export interface LbphProfile {
  modelBytes: number;
  ms: Record<typeof LBPH_STEPS[number] | "total", number>;
  cpuMs: Record<typeof LBPH_STEPS[number] | "total", number>;
}

/**
 * The gallery queries the recognizer's main thread runs per request, timed in process on the
 * same file (ms, CPU ms): `embeddingCounts` backs `DnnModel.state()`, which a dnn identify
 * (recognizer_service.ts `#predictDnn`) and every enroll, forget and stats reply call;
 * `names` runs per identify; `listPeople` per `ModelManager.states()`.
 */
export interface QueryProfile {
  embeddingCounts: { ms: number; cpuMs: number };
  names: { ms: number; cpuMs: number };
  listPeople: { ms: number; cpuMs: number };
}

function profileQueries(path: string): QueryProfile {
  using gallery = Gallery.open(path, { readOnly: true });
  const time = (f: () => unknown) => {
    f(); // warm: page cache, prepared statement
    const ms: number[] = [], cpu: number[] = [];
    for (let i = 0; i < 5; i++) {
      const c = cpuNowMs(), t = performance.now();
      f();
      ms.push(performance.now() - t);
      cpu.push(cpuNowMs() - c);
    }
    return { ms: round(median(ms), 1), cpuMs: round(median(cpu), 1) };
  };
  return {
    embeddingCounts: time(() => gallery.embeddingCounts(DESCRIPTOR_MODEL)),
    names: time(() => gallery.names()),
    listPeople: time(() => gallery.listPeople()),
  };
}

/** Replays what the updater and a prediction worker do for a one-face enroll, and after. */
function profileLbphUpdate(path: string): LbphProfile {
  using gallery = Gallery.open(path);
  const ms = { total: 0 } as LbphProfile["ms"], cpuMs = { total: 0 } as LbphProfile["cpuMs"];
  const step = <T>(name: typeof LBPH_STEPS[number], f: () => T): T => {
    const c = cpuNowMs(), t = performance.now();
    const out = f();
    ms[name] = round(performance.now() - t, 0);
    cpuMs[name] = round(cpuNowMs() - c, 0);
    ms.total += ms[name];
    cpuMs.total += cpuMs[name];
    return out;
  };
  const snapshot = step("readBlob", () => gallery.loadModel("lbph"));
  if (!snapshot) throw new Error("dnn-scale: no stored LBPH model to profile");
  const last = gallery.lastFaceId();
  const fresh = gallery.faces(last - 1, last);
  const images = fresh.map((f) => ({ width: f.width, height: f.height, data: f.pixels }));
  const labels = fresh.map((f) => f.label);
  const model = step("decode", () => loadRecognizer(snapshot.bytes, { inSharedMemory: true }));
  const served = adoptRecognizer(structuredClone(shareRecognizer(model)));
  // Compiled first, as the service's warm-up does, on a throwaway model.
  const scratch = createRecognizer("lbph");
  scratch.train(images, labels);
  scratch.update(images, labels);
  step("update", () => model.update(images, labels));
  step("append", () => served.update(images, labels));
  const bytes = step("encode", () => model.save());
  step("store", () =>
    gallery.saveModel({
      algorithm: "lbph",
      bytes,
      generation: gallery.generation(),
      faces: model.sampleCount,
      lastFaceId: last,
      threshold: null,
    }));
  return { modelBytes: bytes.length, ms, cpuMs };
}

export function searchTiming(size: number, probes: number): DnnScaleResult["search"][number] {
  const per = PER_IDENTITY;
  const vectors = syntheticDescriptors(Math.ceil(size / per) + 1, per, 7);
  const index = new EmbeddingIndex(DESCRIPTOR_LENGTH, size);
  const flat = vectors.flat();
  index.add(flat.slice(0, size), flat.slice(0, size).map((_, i) => Math.floor(i / per)));
  const queries = flat.slice(size, size + per);
  for (let i = 0; i < 20; i++) index.search(queries[i % per]!); // warm-up (JIT)
  const ms: number[] = [];
  const cpu = cpuNowMs();
  for (let i = 0; i < probes; i++) {
    const t = performance.now();
    index.search(queries[i % per]!);
    ms.push(performance.now() - t);
  }
  const cpuMs = (cpuNowMs() - cpu) / probes;
  const stats = latencyStats(ms, 3);
  return { size, meanMs: round(mean(ms), 3), p99Ms: stats.p99, cpuMs: round(cpuMs, 3) };
}

export async function readFace(dir: string, name: string): Promise<WireFace> {
  return {
    width: FACE_WIDTH,
    height: FACE_HEIGHT,
    pixels: await Deno.readFile(`${dir}/${name}.crop`),
    box: { x: 0, y: 0, width: 100, height: 100 },
    imageIndex: 0,
    chip: { width: CHIP, height: CHIP, pixels: await Deno.readFile(`${dir}/${name}.chip`) },
  };
}

/**
 * A dnn identify of probe `i` (cycling) sent straight to the recognizer at `endpoint`:
 * resolves true when it named `person`, throws on an error reply.
 */
export function probeIdentify(
  endpoint: ReturnType<typeof endpointOf>,
  probes: readonly WireFace[],
  person: string,
): (i: number) => Promise<boolean> {
  return async (i) => {
    const reply = await call(endpoint, {
      op: "identify",
      algorithm: "dnn",
      faces: [probes[i % probes.length]!],
    });
    if (reply.op !== "identify" || reply.status !== "ok") {
      throw new Error(`identify: ${JSON.stringify(reply).slice(0, 300)}`);
    }
    return reply.faces[0]?.name === person;
  };
}

/** Runs the section. */
export async function benchDnnScale(config: DnnScaleConfig): Promise<DnnScaleResult> {
  await awaitQuiet();
  const search = [config.faces, 10 * config.faces].map((size) => {
    const s = searchTiming(size, config.searchProbes);
    log(`dnn-scale: EmbeddingIndex.search at ${size}: ${s.meanMs} ms (p99 ${s.p99Ms})`);
    return s;
  });
  const dir = await Deno.makeTempDir({ prefix: "facerec-bench-dnn-scale-" });
  try {
    log(`dnn-scale: writing ${config.faces} faces through Gallery`);
    let t = performance.now();
    const child = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(import.meta.url).pathname, "populate", dir, String(config.faces)],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!child.success) throw new Error("dnn-scale: populate failed");
    const populateSeconds = round((performance.now() - t) / 1000, 0);
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/probes.json`)) as {
      person: string;
      probes: number;
      fresh: number;
      people: number;
    };
    const probes = await Promise.all(
      Array.from({ length: meta.probes }, (_, i) => readFace(dir, `probe-${i}`)),
    );
    const fresh = await Promise.all(
      Array.from({ length: meta.fresh }, (_, i) => readFace(dir, `new-${i}`)),
    );

    let result: Omit<DnnScaleResult, "lbphProfile" | "queries">;
    log(`dnn-scale: starting the recognizer on ${config.faces} faces`);
    t = performance.now();
    const service = await startService("recognizer", [
      "--port",
      "0",
      "--data",
      dir,
      "--workers",
      String(config.workers),
      "--log-level",
      "info",
    ], { timeoutMs: 600_000 });
    try {
      const listening = performance.now() - t;
      const endpoint = endpointOf(service);
      const identify = probeIdentify(endpoint, probes, meta.person);
      const timed = async (n: number) => {
        const ms: number[] = [];
        let right = 0;
        for (let i = 0; i < n; i++) {
          const s = performance.now();
          if (await identify(i)) right++;
          ms.push(performance.now() - s);
        }
        return { ms, right };
      };
      // While the classic models train after start (dnn serves from the stored descriptors).
      await identify(0);
      const early = await timed(Math.min(20, config.identifies));
      const identifyWhileTraining = { requests: early.ms.length, ...latencyStats(early.ms) };
      log(`dnn-scale: identify while training p50 ${identifyWhileTraining.p50} ms`);
      await waitReady(endpoint, config.faces, 30 * 60_000);
      const ready = performance.now() - t;
      const trainMs: DnnScaleResult["trainMs"] = {};
      for (const x of trainedLines(service.log())) {
        trainMs[x.algorithm] = { ms: x.ms, mode: x.mode };
      }
      log(`dnn-scale: ready after ${round(ready / 1000, 1)} s: ${JSON.stringify(trainMs)}`);

      for (let i = 0; i < 3; i++) await identify(i); // warm-up
      const pid = service.child.pid;
      await awaitQuiet([pid]);
      const sampler = sampleRss({ recognizer: pid });
      const quiet = otherLoad([pid]);
      const cpu0 = threadCpu(pid);
      const late = await timed(config.identifies);
      const cpu = cpuSpent(cpu0, threadCpu(pid));
      const otherCores = quiet.stop();
      const rss = sampler.stop().recognizer!;
      let workers = 0, rest = 0;
      for (const [thread, ms] of cpu) thread.startsWith("worker-") ? (workers += ms) : (rest += ms);
      const identify10k = {
        requests: late.ms.length,
        ...latencyStats(late.ms),
        top1: round(late.right / late.ms.length, 2),
        cpuWorkersMs: round(workers / late.ms.length, 1),
        cpuOtherMs: round(rest / late.ms.length, 1),
        otherCores,
      };
      log(`dnn-scale: identify p50 ${identify10k.p50} ms, rss ${rss.maxRss} MiB`);

      const logBefore = service.log().length;
      const enrollMs: number[] = [];
      await awaitQuiet([pid]);
      const quietEnroll = otherLoad([pid]);
      for (let k = 0; k < config.enrolls; k++) {
        const face = fresh[k % fresh.length]!;
        const s = performance.now();
        const reply = await call(endpoint, { op: "enroll", name: `new-${k}`, faces: [face] });
        enrollMs.push(round(performance.now() - s, 1));
        if (reply.op !== "enroll" || reply.status !== "ok" || reply.stored !== 1) {
          throw new Error(`enroll: ${JSON.stringify(reply).slice(0, 300)}`);
        }
      }
      const enrollOtherCores = quietEnroll.stop();
      const lbphUpdateMs = trainedLines(service.log().slice(logBefore), ["model updated"])
        .filter((x) => x.algorithm === "lbph").map((x) => x.ms);
      log(`dnn-scale: enroll one face ${JSON.stringify(enrollMs)} ms; lbph ${lbphUpdateMs}`);
      result = {
        faces: config.faces,
        people: meta.people,
        workers: config.workers,
        populateSeconds,
        search,
        startMs: { listening: round(listening, 0), ready: round(ready, 0) },
        trainMs,
        identify: identify10k,
        identifyWhileTraining,
        enroll: {
          ms: enrollMs,
          first: enrollMs[0]!,
          p50: latencyStats(enrollMs).p50,
          lbphUpdateMs,
          otherCores: enrollOtherCores,
        },
        rss: { serving: rss.maxRss, peak: rssOf(service.child.pid).peak },
      };
    } finally {
      await service.stop();
    }
    const queries = profileQueries(`${dir}/gallery.db`);
    log(`dnn-scale: gallery queries per request: ${JSON.stringify(queries)}`);
    const lbphProfile = profileLbphUpdate(`${dir}/gallery.db`);
    log(`dnn-scale: LBPH update of one face, step by step: ${JSON.stringify(lbphProfile)}`);
    return { ...result, lbphProfile, queries };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

if (import.meta.main) {
  const { positionals } = parseArgs({ args: Deno.args, allowPositionals: true });
  if (positionals[0] !== "populate" || !positionals[1]) {
    console.error("usage: deno run -A scripts/bench_dnn_scale.ts populate DIR [FACES]");
    Deno.exit(2);
  }
  await populate(positionals[1], Number(positionals[2] ?? SCALE_FACES));
  Deno.exit(0);
}
