/**
 * The `dnn-100k` bench section: identify on one recognizer holding 100,000 stored `dnn`
 * descriptors (issue 13's scale measurement; docs/DEPLOY.md builds its estimates on it).
 *
 * A child process (`populate`) writes a SQLite gallery through `Gallery`: 99,995 synthetic
 * descriptors of 9,999.5 identities (scripts/bench_dnn_scale.ts's generator: same person
 * about 0.4 apart, different people about 0.9), each on a 4-byte stand-in crop (no chip:
 * nothing re-embeds them), and 5 real faces of one lfw10 person whose 5 other photos are
 * the probes. The classic models get tiny snapshots stamped with the gallery's generation,
 * so that the recognizer does not retrain them on stand-in crops: what runs is dnn alone.
 * The same probes are then sent to a recognizer whose gallery holds only the 5 real faces:
 * the ratio of the two is what 100,000 descriptors cost.
 *
 *   deno run -A scripts/bench_dnn_100k.ts populate DIR FACES   # the child
 * @module
 */
import { Gallery, type NewFace } from "../lib/gallery/mod.ts";
import { createRecognizer } from "../lib/recognition/mod.ts";
import { DESCRIPTOR_MODEL } from "../lib/recognition/face_descriptor.ts";
import { round } from "../lib/evaluation/stats.ts";
import { startService } from "../tests/_support/services.ts";
import { readOrl } from "./bench_gallery.ts";
import {
  enrollReal,
  probeIdentify,
  readFace,
  realFaces,
  searchTiming,
  syntheticDescriptors,
} from "./bench_dnn_scale.ts";
import {
  awaitQuiet,
  endpointOf,
  latencyStats,
  LFW,
  lfwPeople,
  listImages,
  log,
  rssOf,
} from "./lib/bench_util.ts";
import type { ClassicAlgorithm } from "../lib/core/algorithms.ts";
import { CLASSIC_ALGORITHMS } from "../lib/core/algorithms.ts";

const REAL = 5;
const PER_IDENTITY = 10;

/** Knobs of {@link benchDnn100k}. */
export interface Dnn100kConfig {
  faces: number;
  identifies: number;
  /** Sizes EmbeddingIndex.search is timed at in process (brute force). */
  searchSizes: number[];
  searchProbes: number;
}

/** Full run. */
export const DNN_100K_FULL: Dnn100kConfig = {
  faces: 100_000,
  identifies: 60,
  searchSizes: [100_000, 1_000_000],
  searchProbes: 30,
};
/** --quick. */
export const DNN_100K_QUICK: Dnn100kConfig = {
  faces: 10_000,
  identifies: 15,
  searchSizes: [10_000],
  searchProbes: 20,
};

/** One recognizer's figures. */
export interface Dnn100kRun {
  faces: number;
  /** Spawn to listening (loading every stored descriptor), ms. */
  startMs: number;
  /** RSS after start, MiB. */
  rssMiB: number;
  /** Sequential dnn identifies (one face with its chip) straight to the recognizer. */
  p50: number;
  p99: number;
  top1: number;
}

/** What the section measured. */
export interface Dnn100kResult {
  populateSeconds: number;
  large: Dnn100kRun;
  small: Dnn100kRun;
  /** large.p50 / small.p50. */
  p50Ratio: number;
  /** (large RSS - small RSS) / (large faces - small faces), bytes per stored descriptor. */
  bytesPerDescriptor: number;
  search: { size: number; meanMs: number; p99Ms: number; cpuMs: number }[];
}

// ---------------------------------------------------------------- the child

async function populate(dir: string, faces: number): Promise<void> {
  const people = await lfwPeople();
  const person = people.at(-1)!;
  const photos = await listImages(`${LFW}/${person}`, /\.jpg$/i);
  const real = await realFaces(photos);
  using gallery = Gallery.open(`${dir}/gallery.db`);
  const synthetic = faces - REAL;
  const identities = Math.ceil(synthetic / PER_IDENTITY);
  const vectors = synthetic > 0 ? syntheticDescriptors(identities, PER_IDENTITY, 3) : [];
  for (let id = 0; id < identities; id++) {
    const count = Math.min(PER_IDENTITY, synthetic - id * PER_IDENTITY);
    const batch: NewFace[] = Array.from({ length: count }, (_, j) => ({
      width: 4,
      height: 1,
      pixels: new Uint8Array([j, id >> 16, (id >> 8) & 255, id & 255]),
      embedding: { model: DESCRIPTOR_MODEL, vector: vectors[id]![j]! },
    }));
    gallery.addFaces(`id-${id}`, batch);
  }
  await enrollReal(gallery, person, real);
  // Tiny classic snapshots, stamped current: the recognizer serves them and retrains none.
  const orl = await readOrl();
  const images = orl.slice(0, 3).flatMap((p) => p.slice(0, 3));
  const labels = orl.slice(0, 3).flatMap((p, i) => p.slice(0, 3).map(() => i + 1));
  for (const algorithm of CLASSIC_ALGORITHMS as readonly ClassicAlgorithm[]) {
    const model = createRecognizer(algorithm);
    model.train(images, labels);
    gallery.saveModel({
      algorithm,
      bytes: model.save(),
      generation: gallery.generation(),
      faces: gallery.counts().faces,
      lastFaceId: gallery.lastFaceId(),
    });
  }
  for (const [i, f] of real.slice(REAL).entries()) {
    await Deno.writeFile(`${dir}/probe-${i}.crop`, f.crop);
    await Deno.writeFile(`${dir}/probe-${i}.chip`, f.chip);
  }
  await Deno.writeTextFile(
    `${dir}/probes.json`,
    JSON.stringify({ person, probes: real.length - REAL }),
  );
}

// ---------------------------------------------------------------- the parent

async function measure(
  faces: number,
  identifies: number,
): Promise<Dnn100kRun & { seconds: number }> {
  const dir = await Deno.makeTempDir({ prefix: "facerec-bench-dnn-100k-" });
  try {
    const t0 = performance.now();
    const child = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(import.meta.url).pathname, "populate", dir, String(faces)],
      stdout: "inherit",
      stderr: "inherit",
    }).output();
    if (!child.success) throw new Error("dnn-100k: populate failed");
    const seconds = (performance.now() - t0) / 1000;
    const meta = JSON.parse(await Deno.readTextFile(`${dir}/probes.json`)) as {
      person: string;
      probes: number;
    };
    const probes = await Promise.all(
      Array.from({ length: meta.probes }, (_, i) => readFace(dir, `probe-${i}`)),
    );
    await awaitQuiet();
    const started = performance.now();
    const service = await startService("recognizer", [
      "--port",
      "0",
      "--data",
      dir,
      "--workers",
      "1",
      "--log-level",
      "warn",
    ], { timeoutMs: 600_000 });
    try {
      const startMs = performance.now() - started;
      const endpoint = endpointOf(service);
      const identify = probeIdentify(endpoint, probes, meta.person);
      for (let i = 0; i < 3; i++) await identify(i);
      await awaitQuiet([service.child.pid]);
      const rssMiB = rssOf(service.child.pid).rss;
      const ms: number[] = [];
      let right = 0;
      for (let i = 0; i < identifies; i++) {
        const t = performance.now();
        if (await identify(i)) right++;
        ms.push(performance.now() - t);
      }
      const stats = latencyStats(ms);
      return {
        faces,
        startMs: round(startMs, 0),
        rssMiB,
        ...stats,
        top1: round(right / identifies, 2),
        seconds,
      };
    } finally {
      await service.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Runs the section. */
export async function benchDnn100k(config: Dnn100kConfig): Promise<Dnn100kResult> {
  await awaitQuiet();
  const search = config.searchSizes.map((size) => {
    const s = searchTiming(size, config.searchProbes);
    log(`dnn-100k: EmbeddingIndex.search at ${size}: ${s.meanMs} ms (p99 ${s.p99Ms})`);
    return s;
  });
  log(`dnn-100k: writing ${config.faces} descriptors through Gallery`);
  const { seconds, ...large } = await measure(config.faces, config.identifies);
  log(`dnn-100k: ${JSON.stringify(large)}`);
  const { seconds: _, ...small } = await measure(REAL, config.identifies);
  log(`dnn-100k: ${JSON.stringify(small)}`);
  return {
    populateSeconds: round(seconds, 0),
    large,
    small,
    p50Ratio: round(large.p50 / small.p50, 2),
    bytesPerDescriptor: round(
      ((large.rssMiB - small.rssMiB) * 2 ** 20) / (large.faces - small.faces),
      0,
    ),
    search,
  };
}

if (import.meta.main && Deno.args[0] === "populate") {
  await populate(Deno.args[1]!, Number(Deno.args[2]));
  Deno.exit(0);
}
