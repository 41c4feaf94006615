/**
 * Reading the page's parameters: names, the algorithm, the threshold and file names, each
 * refused with a message saying what was expected. Private to lib/ui.
 * @module
 */
import { type Algorithm, ALGORITHMS, DEFAULT_ALGORITHM, isAlgorithm } from "../core/algorithms.ts";
import { HttpError } from "./http_error.ts";

/** The longest name the page sends on (the protocol caps names itself). */
const MAX_NAME = 200;

/** A person's name, trimmed; refused when empty or too long. */
export function nameParam(value: string | null | undefined, what: string): string {
  const name = value?.trim() ?? "";
  if (name === "") throw new HttpError(400, "badRequest", `${what}: expected a name, got none`);
  if (name.length > MAX_NAME) {
    throw new HttpError(
      400,
      "badRequest",
      `${what}: expected at most ${MAX_NAME} characters, got ${name.length}`,
    );
  }
  return name;
}

/** The algorithm named, or the default when none is. */
export function algorithmParam(value: string | null): Algorithm {
  const algorithm = value || DEFAULT_ALGORITHM;
  if (!isAlgorithm(algorithm)) {
    throw new HttpError(
      400,
      "badRequest",
      `algorithm: expected one of ${ALGORITHMS.join(", ")}, got ${JSON.stringify(algorithm)}`,
    );
  }
  return algorithm;
}

/** A threshold override, or undefined when none is given. */
export function thresholdParam(value: string | null): number | undefined {
  if (value === null || value === "") return undefined;
  const threshold = Number(value);
  if (!Number.isFinite(threshold) || threshold < 0) {
    throw new HttpError(
      400,
      "badRequest",
      `threshold: expected a distance of 0 or more, got ${JSON.stringify(value)}`,
    );
  }
  return threshold;
}

/** The file's name the page sent (URI-encoded, since headers are Latin-1), if any. */
export function filenameOf(request: Request): string | undefined {
  const raw = request.headers.get("x-filename");
  if (!raw) return undefined;
  try {
    return decodeURIComponent(raw).slice(0, 255);
  } catch {
    return undefined;
  }
}

/** A path segment, decoded; refused when it is not valid percent-encoding. */
export function segment(raw: string, what: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, "badRequest", `${what}: expected a URL-encoded name, got ${raw}`);
  }
}
