/**
 * Each service's worker pool on its own, for the `dnn` bench section: with both services busy,
 * a 2-core machine is already full at one worker each (see BENCHMARKS.md), so whether a pool
 * scales with its workers shows only when its stage has the cores to itself.
 *
 * - Detector: identifies of photos with no face, which the detector answers itself (decode and
 *   YuNet, the recognizer idle).
 * - Recognizer: dnn identifies of one face (crop and chip) straight to the recognizer, on
 *   keep-alive connections as the detector sends them (descriptor and search, the detector
 *   idle).
 * @module
 */
import type { Request, WireFace } from "../lib/protocol/messages.ts";
import { round } from "../lib/evaluation/stats.ts";
import { type Endpoint, UpstreamPool } from "../lib/transport/mod.ts";
import { awaitQuiet, call, listImages, log, median, otherLoad, SHARED } from "./lib/bench_util.ts";

const KEEP_ALIVE = { timeoutMs: 600_000, maxFrameBytes: 64 * 1024 * 1024, peerName: "bench" };

/** One stage's closed-loop throughput. */
export interface StageRow {
  requests: number;
  seconds: number;
  rps: number;
  /** Cores other processes on the machine used meanwhile, on average. */
  otherCores: number;
}

/** One stage's throughput with `--workers 1` and `2`: medians over the rounds. */
export interface PoolRatio {
  one: number;
  two: number;
  ratio: number;
  /** Every round's identifies/s, in the order run. */
  rounds: { one: number; two: number }[];
  /** The most other processes used of the cores during any round. */
  otherCores: number;
}

/** Both stages, each on a `--workers 1` and a `--workers 2` stack. */
export interface PoolScaling {
  clients: number;
  seconds: number;
  detector: PoolRatio;
  recognizer: PoolRatio;
}

/** The photos of `detection/no_face`. */
export async function noFacePhotos(): Promise<Uint8Array[]> {
  const files = await listImages(`${SHARED}/datasets/detection/no_face`, /\.(jpe?g|png)$/i);
  return await Promise.all(files.map((f) => Deno.readFile(f)));
}

/** The largest face of each photo, as the detector forwards it (grey crop and RGB chip). */
export async function wireFaces(files: readonly string[]): Promise<WireFace[]> {
  const { loadOpenCV } = await import("../wasm/opencv.ts");
  const { YunetDetector } = await import("../lib/detection/yunet.ts");
  const { alignChip } = await import("../lib/detection/align.ts");
  const { cropAndResize, decodeImage, toGray } = await import("../lib/imaging/mod.ts");
  const { FACE_HEIGHT, FACE_WIDTH } = await import("../lib/imaging/image.ts");
  const { cv } = await loadOpenCV();
  using yunet = await YunetDetector.create();
  const out: WireFace[] = [];
  for (const file of files) {
    const rgba = decodeImage(await Deno.readFile(file));
    const face = yunet.detect(rgba)[0];
    if (!face?.landmarks) throw new Error(`no face with landmarks in ${file}`);
    const crop = cropAndResize(cv, toGray(rgba), face.box, FACE_WIDTH, FACE_HEIGHT);
    const chip = alignChip(cv, rgba, face.landmarks);
    out.push({
      width: crop.width,
      height: crop.height,
      pixels: crop.data,
      box: face.box,
      imageIndex: 0,
      chip: { width: chip.width, height: chip.height, pixels: chip.data },
      landmarks: [...face.landmarks],
      score: face.score,
    });
  }
  return out;
}

/**
 * `clients` closed loops sending `request(i)` to `endpoint` for `seconds`, after a warm-up;
 * each request on a connection of its own, or with `keepAlive` on the pool's connections.
 */
async function closedLoop(
  endpoint: Endpoint,
  request: (i: number) => Request,
  inputs: number,
  clients: number,
  seconds: number,
  pids: number[],
  keepAlive: boolean,
  warmUp: boolean,
): Promise<StageRow> {
  using pool = keepAlive ? new UpstreamPool(endpoint, { maxIdle: clients }) : undefined;
  const send = (r: Request) => pool ? pool.call(r, KEEP_ALIVE) : call(endpoint, r);
  // Untimed: every input through every client once, so that each worker has met each photo
  // size (YuNet reallocates its network for a new input size) and the JIT is warm.
  if (warmUp) {
    await Promise.all(Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; i < inputs; i++) await send(request(c + i));
    }));
  }
  await awaitQuiet(pids);
  const quiet = otherLoad(pids);
  let requests = 0, next = 0;
  const started = performance.now(), deadline = started + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, async () => {
    while (performance.now() < deadline) {
      const reply = await send(request(next++));
      if (reply.op !== "identify" || reply.status !== "ok") {
        throw new Error(`identify: ${JSON.stringify(reply).slice(0, 300)}`);
      }
      requests++;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  return {
    requests,
    seconds: round(elapsed, 2),
    rps: round(requests / elapsed, 2),
    otherCores: quiet.stop(),
  };
}

/**
 * Starts a `--workers 1` and a `--workers 2` stack side by side and measures each stage on
 * both, alternating one stack and the other `rounds` times, so that a slower spell of a shared
 * machine falls on both alike; the figures are each stack's medians. One person is enrolled
 * in each (from `enroll`, one photo with one face) so that identify has a gallery to search.
 */
export async function poolScaling(options: {
  photos: readonly Uint8Array[];
  faces: readonly WireFace[];
  enroll: Uint8Array;
  clients: number;
  seconds: number;
  rounds: number;
}): Promise<PoolScaling> {
  const { startStack } = await import("../tests/_support/services.ts");
  const { endpointOf } = await import("./lib/bench_util.ts");
  const extraArgs = ["--log-level", "warn"];
  await using one = await startStack({ workers: 1, extraArgs });
  await using two = await startStack({ workers: 2, extraArgs });
  const stacks = [one, two];
  const pids = stacks.flatMap((s) => [s.detector.child.pid, s.recognizer.child.pid]);
  for (const stack of stacks) {
    const reply = await call(endpointOf(stack.detector), {
      op: "enroll",
      name: "bench",
      largest: true,
      images: [{ data: options.enroll }],
    });
    if (reply.op !== "enroll" || reply.status !== "ok") {
      throw new Error(`enroll: ${JSON.stringify(reply).slice(0, 300)}`);
    }
  }
  const { photos, faces, clients, seconds } = options;
  const rows = { detector: [[], []] as StageRow[][], recognizer: [[], []] as StageRow[][] };
  for (let r = 0; r < options.rounds; r++) {
    for (const [i, stack] of stacks.entries()) {
      rows.detector[i]!.push(
        await closedLoop(
          endpointOf(stack.detector),
          (k) => ({
            op: "identify",
            algorithm: "dnn",
            images: [{ data: photos[k % photos.length]! }],
          }),
          photos.length,
          clients,
          seconds,
          pids,
          false,
          r === 0,
        ),
      );
      rows.recognizer[i]!.push(
        await closedLoop(
          endpointOf(stack.recognizer),
          (k) => ({ op: "identify", algorithm: "dnn", faces: [faces[k % faces.length]!] }),
          faces.length,
          clients,
          seconds,
          pids,
          true,
          r === 0,
        ),
      );
      log(
        `dnn pools: round ${r + 1} --workers ${i + 1}: detector ${
          rows.detector[i]!.at(-1)!.rps
        }/s, recognizer ${rows.recognizer[i]!.at(-1)!.rps}/s`,
      );
    }
  }
  const ratio = (rs: StageRow[][]): PoolRatio => {
    const med = (xs: StageRow[]) => median(xs.map((x) => x.rps));
    const [a, b] = [med(rs[0]!), med(rs[1]!)];
    return {
      one: round(a, 2),
      two: round(b, 2),
      ratio: round(b / a, 2),
      rounds: rs[0]!.map((x, k) => ({ one: x.rps, two: rs[1]![k]!.rps })),
      otherCores: round(Math.max(...rs.flat().map((x) => x.otherCores)), 2),
    };
  };
  return { clients, seconds, detector: ratio(rows.detector), recognizer: ratio(rows.recognizer) };
}

/**
 * What the machine itself allows: the throughput of two processes doing the same single-threaded
 * work at once, over one process alone (each stage's inner loop, no service around it).
 */
export interface MachineScaling {
  /** YuNet on one no-face photo, ops/s: one process, and two together. */
  yunet: { one: number; two: number; ratio: number };
  /** The descriptor of one chip, ops/s: one process, and two together. */
  descriptor: { one: number; two: number; ratio: number };
}

type SpinKind = "yunet" | "descriptor";

/** `copies` child processes spinning on `kind` for `seconds`, started together: total ops/s. */
async function spin(kind: SpinKind, copies: number, seconds: number): Promise<number> {
  // Each child loads and warms up first, then waits for the common start.
  const startAt = Date.now() + 15_000;
  const outputs = await Promise.all(
    Array.from({ length: copies }, () =>
      new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          new URL(import.meta.url).pathname,
          "spin",
          kind,
          String(seconds),
          String(startAt),
        ],
        stdout: "piped",
        stderr: "inherit",
      }).output()),
  );
  let total = 0;
  for (const o of outputs) {
    if (!o.success) throw new Error(`spin ${kind} failed`);
    total += Number(new TextDecoder().decode(o.stdout).trim());
  }
  return total;
}

/** Measures {@link MachineScaling}. */
export async function machineScaling(seconds: number): Promise<MachineScaling> {
  const out = {} as MachineScaling;
  for (const kind of ["yunet", "descriptor"] as const) {
    await awaitQuiet();
    const one = await spin(kind, 1, seconds);
    await awaitQuiet();
    const two = await spin(kind, 2, seconds);
    out[kind] = { one: round(one, 2), two: round(two, 2), ratio: round(two / one, 2) };
    log(`dnn stages: the machine, ${kind}: ${JSON.stringify(out[kind])}`);
  }
  return out;
}

async function spinChild(kind: SpinKind, seconds: number, startAt: number): Promise<number> {
  const { decodeImage } = await import("../lib/imaging/mod.ts");
  let work: () => unknown;
  if (kind === "yunet") {
    const { YunetDetector } = await import("../lib/detection/yunet.ts");
    const detector = await YunetDetector.create();
    const photo = (await noFacePhotos())[0]!;
    const img = decodeImage(photo);
    work = () => detector.detect(img);
  } else {
    const { FaceDescriptor } = await import("../lib/recognition/face_descriptor.ts");
    const descriptor = await FaceDescriptor.create();
    const face = (await wireFaces([`${SHARED}/datasets/lfw10/Tony_Blair/Tony_Blair_0001.jpg`]))[0]!;
    const chip = face.chip!;
    const rgb = { width: chip.width, height: chip.height, data: chip.pixels };
    work = () => descriptor.compute(rgb);
  }
  for (let i = 0; i < 5; i++) work();
  while (Date.now() < startAt) await new Promise((r) => setTimeout(r, 5));
  let n = 0;
  const t = performance.now();
  while (performance.now() - t < seconds * 1000) {
    work();
    n++;
  }
  return n / ((performance.now() - t) / 1000);
}

if (import.meta.main && Deno.args[0] === "spin") {
  const [, kind, seconds, startAt] = Deno.args;
  console.log(await spinChild(kind as SpinKind, Number(seconds), Number(startAt)));
  Deno.exit(0); // the loaded runtimes keep no reason to stay, but do not wait on them
}
