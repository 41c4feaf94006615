/**
 * `identify IMAGE`: names every face of one photo, and draws them on a copy if asked.
 * @module
 */
import type { ErrorResponse, IdentifyResponse } from "../../protocol/messages.ts";
import { annotateFile } from "../annotate_file.ts";
import { call, type Context } from "../context.ts";
import { fileError } from "../errors.ts";
import { EXIT } from "../exit.ts";
import type { Command } from "../parse_command.ts";
import { renderFailure, renderIdentify } from "../render.ts";

/**
 * Runs `identify`; returns the exit status: ok when someone was recognized, noFace,
 * nobodyRecognized, or error.
 */
export async function identify(
  ctx: Context,
  command: Extract<Command, { name: "identify" }>,
): Promise<number> {
  const { path, algorithm, threshold, annotate } = command;
  let data: Uint8Array;
  try {
    data = await Deno.readFile(path);
  } catch (error) {
    throw new Error(fileError(path, error), { cause: error });
  }
  const reply = await call(ctx, {
    op: "identify",
    algorithm,
    threshold,
    images: [{ filename: path.split("/").pop(), data }],
  });
  if (reply.status !== "ok") {
    renderFailure(ctx, reply as ErrorResponse);
    return EXIT.error;
  }
  const result = reply as IdentifyResponse;
  if (annotate !== undefined) await annotateFile(data, result.faces, annotate);
  renderIdentify(ctx, path, result, annotate);
  if (result.faces.length === 0) return EXIT.noFace;
  return result.faces.some((f) => f.name !== null) ? EXIT.ok : EXIT.nobodyRecognized;
}
