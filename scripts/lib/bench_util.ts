/**
 * Helpers the benchmark sections share (scripts/bench.ts and its bench_*.ts sections):
 * logging, calls to the real services, /proc readings of memory and CPU per thread.
 * @module
 */
import { callService, type Endpoint } from "../../lib/transport/mod.ts";
import type { Request, Response } from "../../lib/protocol/messages.ts";
import { percentile, round } from "../../lib/evaluation/stats.ts";
import type { ServiceProcess } from "../../tests/_support/services.ts";
import type { Algorithm as AlgorithmName } from "../../lib/core/algorithms.ts";
import { parseLog } from "./log_lines.ts";
import process from "node:process";

const HERE = new URL(".", import.meta.url).pathname;
/** The repository root, with a trailing slash. */
export const ROOT = `${HERE}../../`;
/** ../shared beside the repository. */
export const SHARED = `${ROOT}../shared`;
/** The 10 x 10 LFW photos. */
export const LFW = `${SHARED}/datasets/lfw10`;
/** The annotated detection photos. */
export const ANNOTATED = `${SHARED}/datasets/detection/annotated`;

/** CPU ms this process has used so far (all threads), from getrusage via node:process. */
export function cpuNowMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Median of unsorted values (nearest rank, as everywhere in the report). */
export function median(xs: readonly number[]): number {
  return percentile([...xs].sort((a, b) => a - b), 0.5);
}

/** p50 and p99 of unsorted latencies, rounded. */
export function latencyStats(xs: readonly number[], digits = 1): { p50: number; p99: number } {
  const sorted = [...xs].sort((a, b) => a - b);
  return {
    p50: round(percentile(sorted, 0.5), digits),
    p99: round(percentile(sorted, 0.99), digits),
  };
}

/** A progress line on stderr. */
export function log(message: string): void {
  console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

const CALL = { timeoutMs: 600_000, maxFrameBytes: 64 * 1024 * 1024, peerName: "bench" };

/** One request on its own connection, with the benchmark's generous timeout. */
export function call(endpoint: Endpoint, request: Request): Promise<Response> {
  return callService(endpoint, request, CALL);
}

/** Where a started service listens. */
export function endpointOf(service: ServiceProcess): Endpoint {
  return { hostname: "127.0.0.1", port: service.port };
}

/** Files of `dir` whose name matches, sorted, as paths. */
export async function listImages(dir: string, pattern: RegExp): Promise<string[]> {
  const out: string[] = [];
  for await (const e of Deno.readDir(dir)) if (e.isFile && pattern.test(e.name)) out.push(e.name);
  return out.sort().map((name) => `${dir}/${name}`);
}

/** The lfw10 people (folder names), sorted. */
export async function lfwPeople(): Promise<string[]> {
  return (await Array.fromAsync(Deno.readDir(LFW))).filter((e) => e.isDirectory)
    .map((e) => e.name).sort();
}

/** A process's resident memory now and at its peak (VmHWM), in MiB. */
export function rssOf(pid: number): { rss: number; peak: number } {
  try {
    const status = Deno.readTextFileSync(`/proc/${pid}/status`);
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rss: round(kb("VmRSS") / 1024, 0), peak: round(kb("VmHWM") / 1024, 0) };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

/**
 * Samples the RSS of some processes every `everyMs` until stopped; `stop()` returns each
 * one's largest sample and its VmHWM at that moment.
 */
export function sampleRss(
  pids: Record<string, number>,
  everyMs = 200,
): { stop(): Record<string, { maxRss: number; peak: number }> } {
  const max: Record<string, number> = Object.fromEntries(Object.keys(pids).map((k) => [k, 0]));
  const tick = () => {
    for (const [name, pid] of Object.entries(pids)) {
      max[name] = Math.max(max[name]!, rssOf(pid).rss || 0);
    }
  };
  tick();
  const timer = setInterval(tick, everyMs);
  return {
    stop() {
      clearInterval(timer);
      tick();
      return Object.fromEntries(
        Object.entries(pids).map((
          [name, pid],
        ) => [name, { maxRss: max[name]!, peak: rssOf(pid).peak }]),
      );
    },
  };
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * CPU time (user + system) of a process's threads, ms, by thread name: Deno names a worker
 * thread `worker-N` in creation order; V8's and tokio's helper threads share a name each.
 */
export function threadCpu(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tasks: Deno.DirEntry[];
  try {
    tasks = [...Deno.readDirSync(`/proc/${pid}/task`)];
  } catch {
    return out;
  }
  for (const task of tasks) {
    try {
      const stat = Deno.readTextFileSync(`/proc/${pid}/task/${task.name}/stat`);
      // The name is in parentheses and may hold spaces; the fields after it are fixed.
      const close = stat.lastIndexOf(")");
      const name = stat.slice(stat.indexOf("(") + 1, close);
      const fields = stat.slice(close + 2).split(" ");
      const ms = (Number(fields[11]) + Number(fields[12])) * 1000 / TICKS_PER_SECOND;
      out.set(name, (out.get(name) ?? 0) + ms);
    } catch { /* the thread ended */ }
  }
  return out;
}

/** CPU ms per thread name spent between two {@link threadCpu} readings. */
export function cpuSpent(
  before: Map<string, number>,
  after: Map<string, number>,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, ms] of after) out.set(name, ms - (before.get(name) ?? 0));
  return out;
}

/** CPU ms (user + system) a whole process has used so far, all threads. */
export function processCpuMs(pid: number): number {
  try {
    const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 1000 / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** CPU ms the whole machine has been busy so far, over all cores (/proc/stat). */
export function machineBusyMs(): number {
  const line = Deno.readTextFileSync("/proc/stat").split("\n")[0]!;
  const [user, nice, system, , , irq, softirq, steal] = line.split(/\s+/).slice(1).map(Number);
  return (user! + nice! + system! + irq! + softirq! + steal!) * 1000 / TICKS_PER_SECOND;
}

/**
 * Measures how busy the machine is with processes other than `pids` (and this one) over a
 * stretch of time: `stop()` gives the cores they used on average.
 */
export function otherLoad(pids: readonly number[]): { stop(): number } {
  const mine = () => [Deno.pid, ...pids].reduce((s, pid) => s + (processCpuMs(pid) || 0), 0);
  const busy0 = machineBusyMs(), mine0 = mine(), t0 = performance.now();
  return {
    stop() {
      const others = machineBusyMs() - busy0 - (mine() - mine0);
      return round(Math.max(0, others) / (performance.now() - t0), 2);
    },
  };
}

/** Waits until every model (dnn included) is ready with `faces` faces. */
export async function waitReady(
  endpoint: Endpoint,
  faces: number,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const reply = await call(endpoint, { op: "stats" });
    if (
      reply.op === "stats" && reply.status === "ok" &&
      reply.models.every((m) => m.state === "ready" && m.faces === faces)
    ) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`models not ready for ${faces} faces within ${timeoutMs} ms`);
}

/** The recognizer's `model trained` events (or `events`; lib/service/model_manager.ts), from its log. */
export function trainedLines(
  log: string,
  events: readonly string[] = ["model trained"],
): { algorithm: AlgorithmName; mode: string; faces: number; ms: number; bytes: number }[] {
  return parseLog(log)
    .filter((r) => r.component === "recognizer" && events.includes(r.event))
    .map(({ fields }) => ({
      algorithm: fields.algorithm as AlgorithmName,
      mode: fields.mode ?? "",
      faces: Number(fields.faces),
      ms: Number(fields.ms),
      bytes: Number(fields.bytes),
    }));
}

/**
 * Waits (up to `maxWaitMs`) until processes other than this one and `pids` use less than
 * `cores` of the machine over a 3-second window, so that wall-clock figures are taken on a
 * quiet machine when there is one. Returns how long it waited and the last window's load.
 */
export async function awaitQuiet(
  pids: readonly number[] = [],
  maxWaitMs = 180_000,
  cores = 0.3,
): Promise<{ waitedMs: number; otherCores: number }> {
  const started = performance.now();
  let load = NaN;
  while (true) {
    const window = otherLoad(pids);
    await new Promise((r) => setTimeout(r, 3000));
    load = window.stop();
    const waited = performance.now() - started;
    if (load < cores || waited >= maxWaitMs) {
      if (waited > 3500) {
        log(
          `waited ${round(waited / 1000, 0)} s for a quieter machine: ${load} cores busy elsewhere`,
        );
      }
      return { waitedMs: round(waited, 0), otherCores: load };
    }
  }
}
