/**
 * What each kind of worker isolate of the services costs in RSS, measured in a bare process
 * of its own (it imports nothing heavy itself) by starting them one by one, as the services
 * do, and reading /proc/self/status after each step. Prints one JSON object
 * ({@link MemoryBreakdown}, MiB).
 *
 *   deno run -A scripts/bench_memory_probe.ts
 * @module
 */
import { WorkerPool } from "../lib/service/worker_pool.ts";
import { decodeImage } from "../lib/imaging/decode.ts";
import { encodeJpeg } from "../lib/imaging/encode.ts";
import { LFW, lfwPeople, listImages, rssOf } from "./lib/bench_util.ts";

/** RSS added by each step, MiB (`process`: the bare process before any worker). */
export interface MemoryBreakdown {
  process: number;
  /** One lib/service/recognition_worker.ts isolate, as the trainer and the updater are. */
  recognitionIsolate: number;
  /** The same imports without lib/imaging/mod.ts (so without OpenCV-WASM). */
  recognitionIsolateWithoutOpenCV: number;
  /** Loading the descriptor network in the recognition worker (`loadDescriptor`). */
  descriptorNetwork: number;
  /** Five 3-chip embeds in it, as identify and enroll send. */
  embedding: number;
  /** One YuNet detection worker (lib/service/detect_worker.ts). */
  detectionWorker: number;
  /** Twenty lfw10 photos analysed in it. */
  detecting: number;
  /** A second recognition worker with the network loaded. */
  secondPredictionWorker: number;
  /** A second detection worker. */
  secondDetectionWorker: number;
  /** One 6000x4000 JPEG analysed in the first detection worker (its wasm heap keeps it). */
  bigPhoto: number;
  /** The same photo again in the same worker. */
  bigPhotoAgain: number;
}

/** An lfw10 photo scaled to 6000x4000 (nearest neighbour) and encoded as JPEG. */
function bigJpeg(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const src = decodeImage(bytes);
  const width = 6000, height = 4000;
  const data = new Uint8Array(width * height * 4);
  const view = new Uint32Array(data.buffer), from = new Uint32Array(src.data.slice().buffer);
  for (let y = 0; y < height; y++) {
    const row = Math.floor(y * src.height / height) * src.width;
    for (let x = 0; x < width; x++) {
      view[y * width + x] = from[row + Math.floor(x * src.width / width)]!;
    }
  }
  return encodeJpeg({ width, height, data }, 90).slice();
}

const settle = async () => {
  await new Promise((r) => setTimeout(r, 300));
  return rssOf(Deno.pid).rss;
};

/** Runs the probe in this process. */
export async function probeMemory(): Promise<MemoryBreakdown> {
  const recognition = new URL("../lib/service/recognition_worker.ts", import.meta.url);
  const bare = new URL("./lib/recognition_imports_worker.ts", import.meta.url);
  const detection = new URL("../lib/service/detect_worker.ts", import.meta.url);
  // deno-lint-ignore no-explicit-any
  const pools: WorkerPool<any, any>[] = [];
  const start = async (url: URL, init?: unknown) => {
    const pool = await WorkerPool.start(url, { size: 1, name: "probe", init });
    pools.push(pool);
    return pool;
  };
  const steps: number[] = [await settle()];
  const step = async () => steps.push(await settle());
  try {
    await start(bare);
    await step();
    const rec = await start(recognition);
    await step();
    await rec.broadcast({ type: "loadDescriptor" });
    await step();
    const pixels = new Uint8Array(150 * 150 * 3).fill(100);
    for (let i = 0; i < 5; i++) {
      const chips = [0, 1, 2].map(() => ({ width: 150, height: 150, pixels: pixels.slice() }));
      await Promise.all([
        rec.run({ type: "embed", chips }),
        rec.run({ type: "encodeChips", chips }),
      ]);
    }
    await step();
    // YuNet with its defaults (detect_worker.ts fills in DEFAULT_YUNET_OPTIONS).
    const init = { detector: "yunet", yunet: {} };
    const det = await start(detection, init);
    await step();
    const limits = { maxWidth: 8192, maxHeight: 8192, maxPixels: 40_000_000 };
    const photos = (await Promise.all((await lfwPeople()).map((p) =>
      listImages(`${LFW}/${p}`, /\.jpg$/i)
    )))
      .flat().slice(0, 20);
    for (const file of photos) {
      const data = await Deno.readFile(file);
      await det.run({ type: "analyze", data, limits, maxCrops: 64, chips: true }, [data.buffer]);
    }
    await step();
    const rec2 = await start(recognition);
    await rec2.broadcast({ type: "loadDescriptor" });
    await step();
    await start(detection, init);
    await step();
    const big = bigJpeg(await Deno.readFile(photos[0]!));
    await step(); // the JPEG itself, on this thread
    const analyze = (data: Uint8Array<ArrayBuffer>) =>
      det.run({ type: "analyze", data, limits, maxCrops: 64, chips: true }, [data.buffer]);
    await analyze(big.slice());
    await new Promise((r) => setTimeout(r, 2000)); // let both isolates collect garbage
    await step();
    await analyze(big.slice());
    await new Promise((r) => setTimeout(r, 2000));
    await step();
  } finally {
    for (const pool of pools) pool.close();
  }
  const d = (i: number) => steps[i]! - steps[i - 1]!;
  return {
    process: steps[0]!,
    recognitionIsolateWithoutOpenCV: d(1),
    recognitionIsolate: d(2),
    descriptorNetwork: d(3),
    embedding: d(4),
    detectionWorker: d(5),
    detecting: d(6),
    secondPredictionWorker: d(7),
    secondDetectionWorker: d(8),
    bigPhoto: d(10),
    bigPhotoAgain: d(11),
  };
}

/** Runs the probe in a child process (so that nothing else shares its memory). */
export async function runMemoryProbe(): Promise<MemoryBreakdown> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    throw new Error(`bench_memory_probe failed:\n${new TextDecoder().decode(out.stderr)}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout)) as MemoryBreakdown;
}

if (import.meta.main) {
  console.log(JSON.stringify(await probeMemory()));
  Deno.exit(0);
}
