/**
 * The service layer's errors, and the single place where an error from any layer is
 * turned into a wire status.
 *
 * Only error modules are imported here, so that worker modules can import this one
 * without loading the gallery or the codec.
 * @module
 */
import { GalleryError } from "../gallery/errors.ts";
import { ProtocolError } from "../protocol/errors.ts";
import type { ErrorResponse, Status } from "../protocol/messages.ts";
import { UnavailableError } from "../transport/errors.ts";

/** A request refused by a service, with the status to send back. */
export class ServiceError extends Error {
  override name = "ServiceError";
  readonly status: Exclude<Status, "ok">;
  constructor(status: Exclude<Status, "ok">, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

/** Raised when an algorithm cannot answer (nobody enrolled, Fisher with one person...). */
export class ModelNotReadyError extends Error {
  override name = "ModelNotReadyError";
}

/** An error a job threw inside a worker, re-created on the calling side with its name and code. */
abstract class RemoteJobError extends Error {
  /** The original error's `name` (e.g. "ImageError", "TypeError"). */
  readonly kind: string;
  /** The original error's `code`, when it had one (e.g. "too_large"). */
  readonly code: string | undefined;
  constructor(kind: string, message: string, code?: string) {
    super(message);
    this.kind = kind;
    this.code = code;
  }
}

/**
 * A worker refused a job's input: the error it threw is of a class its module declared an
 * input error (`serveWorker`'s `inputErrors`, e.g. `ImageError` for an image that cannot
 * be decoded). The client sent something unusable.
 */
export class JobInputError extends RemoteJobError {
  override name = "JobInputError";
}

/**
 * Any other error a job threw inside a worker: a fault of ours (a TypeError from a bug, a
 * failed write...), never the client's.
 */
export class WorkerJobError extends RemoteJobError {
  override name = "WorkerJobError";
}

/**
 * Maps any error to the status a client should see: the client's mistakes to their
 * status, anything unforeseen (a worker's TypeError included) to `internal`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { JobInputError, statusOf, WorkerJobError } from "./errors.ts";
 * assert.equal(statusOf(new JobInputError("ImageError", "1x1 GIF bomb", "too_large")), "tooLarge");
 * assert.equal(statusOf(new JobInputError("ImageError", "not an image", "unreadable")), "badRequest");
 * assert.equal(statusOf(new WorkerJobError("TypeError", "x is undefined")), "internal");
 * ```
 */
export function statusOf(error: unknown): Exclude<Status, "ok"> {
  if (error instanceof ServiceError || error instanceof UnavailableError) return error.status;
  if (error instanceof ProtocolError) return error.status;
  if (error instanceof ModelNotReadyError) return "notReady";
  if (error instanceof GalleryError) {
    return error.code === "not_found"
      ? "notFound"
      : error.code === "invalid_name" || error.code === "exists"
      ? "badRequest"
      : error.code === "unavailable"
      ? "unavailable"
      : "internal";
  }
  if (error instanceof JobInputError) return error.code === "too_large" ? "tooLarge" : "badRequest";
  return "internal";
}

/** An error reply for `op`, carrying the error's message. */
export function errorResponse(op: ErrorResponse["op"], error: unknown): ErrorResponse {
  const message = error instanceof Error ? error.message : String(error);
  return { op, status: statusOf(error), message };
}
