/**
 * `enroll NAME IMAGE|DIR...`: sends a person's photos in batches, so that huge folders
 * stream, and reports every image's outcome.
 * @module
 */
import type { EnrollResponse, ErrorResponse } from "../../protocol/messages.ts";
import { collectImages } from "../collect_images.ts";
import { call, type Context, defaultSignals } from "../context.ts";
import { EnrollFailed, fileError, Interrupted } from "../errors.ts";
import { EXIT } from "../exit.ts";
import type { Command } from "../parse_command.ts";
import { ProgressBar } from "../progress.ts";
import { type ImageResult, renderEnroll, renderEnrollFailure } from "../render.ts";

/** Images per enroll request, and bytes per request, so huge folders stream in batches. */
const BATCH_IMAGES = 16;
const BATCH_BYTES = 32 * 2 ** 20;

/**
 * Runs `enroll`; returns the exit status: ok when something was stored, noFace when no
 * image showed a face, interrupted after Ctrl-C, else error.
 */
export async function enroll(
  ctx: Context,
  command: Extract<Command, { name: "enroll" }>,
): Promise<number> {
  const { person: name, inputs } = command;
  let paths: string[];
  try {
    paths = await collectImages(inputs);
  } catch (error) {
    const path = (error as { path?: string }).path ?? inputs.join(" ");
    throw new Error(fileError(path, error), { cause: error });
  }
  if (paths.length === 0) throw new Error(`no image files found in ${inputs.join(" ")}`);
  const progress = new ProgressBar(
    paths.length,
    `enrolling ${name}`,
    !ctx.json && paths.length >= 10 && Deno.stderr.isTerminal(),
  );
  const results: ImageResult[] = [];
  let last: EnrollResponse | undefined;
  let batch: { path: string; data: Uint8Array }[] = [];
  let batchBytes = 0;
  // Ctrl-C: stop sending, report what the recognizer acknowledged, exit 130. A batch in
  // flight may or may not have been stored; enrolling again finishes the job, because the
  // faces already stored come back as duplicates.
  let onInterrupt = () => {};
  const interrupted = new Promise<"interrupted">((resolve) => {
    onInterrupt = () => resolve("interrupted");
  });
  const listen = ctx.io.signals ?? defaultSignals;
  listen.add(onInterrupt);
  let inFlight: string[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const sent = batch;
    batch = [];
    batchBytes = 0;
    inFlight = sent.map((b) => b.path);
    const reply = await Promise.race([
      call(ctx, {
        op: "enroll",
        name,
        ...(command.largest ? { largest: true } : {}),
        ...(command.wait ? { wait: true } : {}),
        images: sent.map((b) => ({ filename: b.path.split("/").pop(), data: b.data })),
      }),
      interrupted,
    ]);
    if (reply === "interrupted") throw new Interrupted();
    inFlight = [];
    if (reply.status !== "ok") throw new EnrollFailed(reply as ErrorResponse);
    const ok = reply as EnrollResponse;
    if (ok.stored > 0 || !last) last = ok;
    for (const report of ok.images) {
      results.push({
        path: sent[report.index]?.path ?? `#${report.index}`,
        outcome: report.outcome,
        faces: report.faces,
        ...(report.outcome === "stored" && report.faces > 1 ? { ignored: report.faces - 1 } : {}),
        ...(report.message ? { message: report.message } : {}),
      });
    }
    progress.advance(sent.length);
  };
  let stopped = false;
  try {
    for (const path of paths) {
      let data: Uint8Array;
      try {
        data = await Deno.readFile(path);
      } catch (error) {
        results.push({ path, outcome: "unreadable", faces: 0, message: fileError(path, error) });
        progress.advance();
        continue;
      }
      if (batchBytes + data.length > BATCH_BYTES || batch.length >= BATCH_IMAGES) await flush();
      batch.push({ path, data });
      batchBytes += data.length;
    }
    await flush();
  } catch (error) {
    progress.finish();
    if (error instanceof EnrollFailed) {
      renderEnrollFailure(ctx, results, error.reply);
      return EXIT.error;
    }
    if (!(error instanceof Interrupted)) throw error;
    stopped = true;
  } finally {
    listen.remove(onInterrupt);
  }
  progress.finish();
  const done = new Set([...results.map((r) => r.path), ...inFlight]);
  renderEnroll(ctx, {
    name,
    results,
    last,
    ...(stopped ? { interrupted: { inFlight, notSent: paths.filter((p) => !done.has(p)) } } : {}),
  });
  if (stopped) return EXIT.interrupted;
  if (results.some((r) => r.outcome === "stored")) return EXIT.ok;
  return results.every((r) => r.outcome === "no_face") ? EXIT.noFace : EXIT.error;
}
