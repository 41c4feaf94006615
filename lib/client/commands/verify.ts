/**
 * `verify A B` and `verify A --name NAME`: is this the same person?
 * @module
 */
import type { ErrorResponse, VerifyResponse } from "../../protocol/messages.ts";
import { call, type Context } from "../context.ts";
import { fileError } from "../errors.ts";
import { EXIT } from "../exit.ts";
import type { Command } from "../parse_command.ts";
import { renderFailure } from "../render.ts";
import { renderVerify } from "../render_manage.ts";

/**
 * Runs `verify`; returns the exit status: ok for the same person, nobodyRecognized (3) for
 * different people, noFace when a photo shows no face, else error.
 */
export async function verify(
  ctx: Context,
  command: Extract<Command, { name: "verify" }>,
): Promise<number> {
  const images = await Promise.all(command.paths.map(async (path) => {
    try {
      return { filename: path.split("/").pop(), data: await Deno.readFile(path) };
    } catch (error) {
      throw new Error(fileError(path, error), { cause: error });
    }
  }));
  const reply = await call(ctx, {
    op: "verify",
    algorithm: command.algorithm,
    ...(command.threshold === undefined ? {} : { threshold: command.threshold }),
    ...(command.person === undefined ? {} : { name: command.person }),
    images,
  });
  if (reply.status !== "ok") {
    renderFailure(ctx, reply as ErrorResponse);
    return EXIT.error;
  }
  const result = reply as VerifyResponse;
  renderVerify(ctx, command.paths, result);
  if (result.same === undefined) return EXIT.noFace;
  return result.same ? EXIT.ok : EXIT.nobodyRecognized;
}
