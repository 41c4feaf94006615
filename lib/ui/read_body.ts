/**
 * Reads a request body up to a cap, refusing a larger one before reading it (from its
 * Content-Length) or as soon as it grows past the cap (a chunked upload).
 * @module
 */
import { HttpError } from "./http_error.ts";

const size = (bytes: number) =>
  bytes >= 2 ** 20 ? `${+(bytes / 2 ** 20).toFixed(1)} MiB` : `${+(bytes / 1024).toFixed(1)} KiB`;

/**
 * The body of `request`, at most `maxBytes` long.
 *
 * @throws {HttpError} 413 when the body is larger, 400 when it is empty.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readBody } from "./read_body.ts";
 * const request = new Request("http://x/", { method: "POST", body: "abc" });
 * assert.equal((await readBody(request, 10)).length, 3);
 * await assert.rejects(readBody(new Request("http://x/", { method: "POST", body: "abc" }), 2));
 * ```
 */
export async function readBody(
  request: Request,
  maxBytes: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = (got: string) =>
    new HttpError(413, "tooLarge", `uploads are capped at ${size(maxBytes)}, got ${got}`);
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw tooLarge(size(declared));
  if (!request.body) throw new HttpError(400, "badRequest", "expected a file, got an empty body");
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of request.body) {
    length += chunk.length;
    if (length > maxBytes) throw tooLarge(`more than that`);
    chunks.push(chunk);
  }
  if (length === 0) throw new HttpError(400, "badRequest", "expected a file, got an empty body");
  const body = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    body.set(chunk, at);
    at += chunk.length;
  }
  return body;
}
