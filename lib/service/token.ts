/**
 * Shared-token authentication. Tokens are compared in constant time: both sides are
 * hashed to a fixed length first, so neither the content nor the length of the expected
 * token leaks through timing.
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";

function digest(text: string): Uint8Array {
  return createHash("sha256").update(text, "utf8").digest();
}

/** A checker for one expected token; `undefined` means authentication is off. */
export function tokenChecker(expected: string | undefined): (given: string | undefined) => boolean {
  if (expected === undefined || expected === "") return () => true;
  const want = digest(expected);
  return (given) => timingSafeEqual(want, digest(given ?? "")) && given !== undefined;
}
