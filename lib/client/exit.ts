/**
 * The client's exit statuses.
 * @module
 */
import { EXIT_USAGE } from "../core/usage_error.ts";

/** Exit statuses. */
export const EXIT = {
  ok: 0,
  error: 1,
  noFace: 2,
  nobodyRecognized: 3,
  usage: EXIT_USAGE,
  interrupted: 130,
} as const;
