/**
 * The commands of one request and one reply: list, forget and stats.
 * @module
 */
import type { ErrorResponse } from "../../protocol/messages.ts";
import { call, type Context } from "../context.ts";
import { EXIT } from "../exit.ts";
import type { Command } from "../parse_command.ts";
import { renderFailure, renderForget, renderList, renderStats } from "../render.ts";

/** Runs `list`, `forget NAME` or `stats`; returns the exit status. */
export async function simple(
  ctx: Context,
  command: Extract<Command, { name: "list" | "forget" | "stats" }>,
): Promise<number> {
  const reply = await call(
    ctx,
    command.name === "forget" ? { op: "forget", name: command.person } : { op: command.name },
  );
  if (reply.status !== "ok") {
    renderFailure(ctx, reply as ErrorResponse);
    return EXIT.error;
  }
  switch (reply.op) {
    case "list":
      renderList(ctx, reply);
      break;
    case "forget":
      renderForget(ctx, reply);
      break;
    case "stats":
      renderStats(ctx, reply);
      break;
    default:
      throw new Error(`unexpected ${reply.op} reply`);
  }
  return EXIT.ok;
}
