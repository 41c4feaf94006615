/**
 * Base64 of bytes, for the `data:` URLs of face thumbnails. Private to lib/ui.
 * @module
 */

/**
 * The standard base64 encoding of `bytes` (with padding).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeBase64 } from "./_base64.ts";
 * assert.equal(encodeBase64(new TextEncoder().encode("face")), "ZmFjZQ==");
 * ```
 */
export function encodeBase64(bytes: Uint8Array): string {
  // btoa takes a binary string; build it in slices so no call gets too many arguments.
  let binary = "";
  for (let at = 0; at < bytes.length; at += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(at, at + 0x8000));
  }
  return btoa(binary);
}
