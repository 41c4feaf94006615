/**
 * The client's own errors. A command line it cannot act on is a `UsageError`
 * (lib/core/usage_error.ts); a detector it cannot reach, transport's `UnavailableError`.
 * @module
 */
import type { ErrorResponse } from "../protocol/messages.ts";

/** Ctrl-C during an enroll: the images not yet acknowledged are reported, not sent. */
export class Interrupted extends Error {
  override name = "Interrupted";
}

/** The detector refused a batch of an enroll: the reply says why. */
export class EnrollFailed extends Error {
  override name = "EnrollFailed";
  /** The refusal, as the detector sent it. */
  readonly reply: ErrorResponse;
  constructor(reply: ErrorResponse, options?: ErrorOptions) {
    super(reply.message, options);
    this.reply = reply;
  }
}

/**
 * One wording for a file the client cannot read, in every command.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fileError } from "./errors.ts";
 * assert.equal(fileError("a.jpg", new Deno.errors.NotFound("x")), "cannot read a.jpg: no such file");
 * ```
 */
export function fileError(path: string, error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return `cannot read ${path}: no such file`;
  if (error instanceof Deno.errors.PermissionDenied) {
    return `cannot read ${path}: permission denied`;
  }
  if (error instanceof Deno.errors.IsADirectory) return `cannot read ${path}: it is a directory`;
  return `cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`;
}
