/**
 * The gallery-management commands: `rename OLD NEW`, `faces NAME`,
 * `forget NAME --face ID` and `export NAME DIR`.
 * @module
 */
import type { ErrorResponse, ExportResponse, Response } from "../../protocol/messages.ts";
import { call, type Context } from "../context.ts";
import { fileError } from "../errors.ts";
import { EXIT } from "../exit.ts";
import type { Command } from "../parse_command.ts";
import { renderFailure } from "../render.ts";
import {
  type ExportedFile,
  renderExport,
  renderFaces,
  renderForgetFace,
  renderRename,
} from "../render_manage.ts";

/** A management command. */
export type ManageCommand = Extract<
  Command,
  { name: "rename" | "faces" | "forgetFace" | "export" }
>;

/** Runs one management command; returns the exit status (ok, or error). */
export async function manage(ctx: Context, command: ManageCommand): Promise<number> {
  const reply = await call(ctx, request(command));
  if (reply.status !== "ok") {
    renderFailure(ctx, reply as ErrorResponse);
    return EXIT.error;
  }
  await show(ctx, command, reply as Exclude<Response, ErrorResponse>);
  return EXIT.ok;
}

function request(command: ManageCommand) {
  switch (command.name) {
    case "rename":
      return { op: "rename", name: command.person, newName: command.newName } as const;
    case "forgetFace":
      return { op: "forgetFace", name: command.person, faceId: command.faceId } as const;
    case "faces":
    case "export":
      return { op: command.name, name: command.person } as const;
  }
}

async function show(
  ctx: Context,
  command: ManageCommand,
  reply: Exclude<Response, ErrorResponse>,
): Promise<void> {
  switch (reply.op) {
    case "rename":
      return renderRename(ctx, reply);
    case "faces":
      return renderFaces(ctx, reply);
    case "forgetFace":
      return renderForgetFace(ctx, reply);
    case "export":
      if (command.name !== "export") break;
      return renderExport(ctx, reply, command.dir, await writeFaces(command.dir, reply));
  }
  throw new Error(`unexpected ${reply.op} reply to ${command.name}`);
}

/**
 * Writes each exported face as `DIR/face-ID.png`, creating DIR if needed. File names come
 * from face ids only, never from the person's name; a second export overwrites the same
 * files with the same faces.
 */
async function writeFaces(dir: string, reply: ExportResponse): Promise<ExportedFile[]> {
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (error) {
    throw new Error(fileError(dir, error), { cause: error });
  }
  const files: ExportedFile[] = [];
  for (const face of reply.faces) {
    const path = `${dir.replace(/\/+$/, "") || "/"}/face-${face.id}.png`;
    try {
      await Deno.writeFile(path, face.png);
    } catch (error) {
      throw new Error(fileError(path, error), { cause: error });
    }
    files.push({ id: face.id, path, aligned: face.aligned });
  }
  return files;
}
