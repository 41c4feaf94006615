/**
 * The service layer's errors, and the single place where an error from any layer is
 * turned into a wire status.
 * @module
 */
import { GalleryError } from "../gallery/mod.ts";
import { ProtocolError } from "../protocol/mod.ts";
import type { ErrorResponse, Status } from "../protocol/messages.ts";
import { ModelNotReadyError } from "./model_manager.ts";
import { WorkerJobError } from "./worker_pool.ts";

/** A request refused by a service, with the status to send back. */
export class ServiceError extends Error {
  override name = "ServiceError";
  readonly status: Exclude<Status, "ok">;
  constructor(status: Exclude<Status, "ok">, message: string, options?: ErrorOptions) {
    super(message, options);
    this.status = status;
  }
}

/** The next service could not be reached or did not answer in time. */
export class UnavailableError extends ServiceError {
  override name = "UnavailableError";
  constructor(message: string, options?: ErrorOptions) {
    super("unavailable", message, options);
  }
}

/** Maps any error to the status a client should see. */
export function statusOf(error: unknown): Exclude<Status, "ok"> {
  if (error instanceof ServiceError) return error.status;
  if (error instanceof ProtocolError) return error.status;
  if (error instanceof ModelNotReadyError) return "notReady";
  if (error instanceof GalleryError) {
    return error.code === "not_found"
      ? "notFound"
      : error.code === "invalid_name"
      ? "badRequest"
      : "internal";
  }
  if (error instanceof WorkerJobError) {
    if (error.kind === "ImageError") return error.code === "too_large" ? "tooLarge" : "badRequest";
    if (error.kind === "TypeError" || error.kind === "RangeError") return "badRequest";
  }
  return "internal";
}

/** An error reply for `op`, carrying the error's message. */
export function errorResponse(op: ErrorResponse["op"], error: unknown): ErrorResponse {
  const message = error instanceof Error ? error.message : String(error);
  return { op, status: statusOf(error), message };
}
