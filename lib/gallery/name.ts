/**
 * The policy for person names. Names are labels shown to users and keys in the gallery;
 * they are never used to build file paths, but names that look like paths or carry
 * control characters are refused anyway, because they end up in logs and terminals.
 * @module
 */
import { GalleryError } from "./errors.ts";

/** Longest accepted name, in UTF-8 bytes. */
export const MAX_NAME_BYTES = 128;

const encoder = new TextEncoder();
// C0/C1 control characters, including NUL, DEL and line breaks.
const CONTROL = /[\p{Cc}\u2028\u2029]/u;

/**
 * Returns the name in canonical form (NFC, outer whitespace trimmed), or throws a
 * {@link GalleryError} with code `invalid_name` saying what was wrong.
 *
 * @example
 * ```ts
 * import { normalizeName } from "./name.ts";
 * normalizeName("  Ada Lovelace "); // "Ada Lovelace"
 * ```
 */
export function normalizeName(raw: string): string {
  const name = raw.normalize("NFC").trim();
  const refuse = (why: string) => {
    throw new GalleryError("invalid_name", `invalid name: ${why}`);
  };
  if (name.length === 0) refuse("expected 1 or more visible characters, got an empty name");
  const bytes = encoder.encode(name).length;
  if (bytes > MAX_NAME_BYTES) {
    refuse(`expected at most ${MAX_NAME_BYTES} UTF-8 bytes, got ${bytes}`);
  }
  if (CONTROL.test(name)) refuse("control characters (including NUL) are not allowed");
  if (name.includes("/") || name.includes("\\")) refuse("'/' and '\\' are not allowed");
  if (name.includes("..")) refuse("'..' is not allowed");
  if (name.includes("\ufffd")) refuse("it contains U+FFFD (was it valid UTF-8?)");
  return name;
}

/**
 * Invisible format characters (Unicode category Cf: zero-width space, word joiner, BOM,
 * bidirectional overrides, soft hyphen...) but ZWNJ and ZWJ, which some scripts (Persian,
 * the Indic ones) and emoji sequences need: "Zero\u200bWidth" would otherwise be a second
 * person who looks exactly like "ZeroWidth" in every list.
 */
const INVISIBLE = /(?![\u200c\u200d])\p{Cf}/u;

/**
 * Whether `name` holds a character {@link checkNewName} refuses.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { hasInvisible } from "./name.ts";
 * assert.equal(hasInvisible("A\u2060B"), true);
 * assert.equal(hasInvisible("مهر\u200cداد"), false); // ZWNJ is allowed
 * ```
 */
export function hasInvisible(name: string): boolean {
  return INVISIBLE.test(name);
}

/**
 * Refuses `name` (already normalized) as the name of a new person, or as a new name for one,
 * when it holds an invisible format character. Names already enrolled stay usable.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkNewName } from "./name.ts";
 * checkNewName("Zoë Ñandú");
 * assert.throws(() => checkNewName("Zero\u200bWidth"), /invisible character U\+200B/);
 * ```
 */
export function checkNewName(name: string): void {
  const found = INVISIBLE.exec(name);
  if (found) {
    const code = found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0");
    throw new GalleryError(
      "invalid_name",
      `invalid name: invisible character U+${code} is not allowed in a new name`,
    );
  }
}

/**
 * The identity key of a name: names whose keys are equal are one person. The canonical
 * form (see {@link normalizeName}) case-folded: upper-casing first folds the characters
 * whose lower case is longer than one letter (ß and SS are one key), then lower-casing.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { nameKey } from "./name.ts";
 * assert.equal(nameKey("BIDEN"), nameKey("biden"));
 * assert.equal(nameKey("Strauß"), nameKey("STRAUSS"));
 * ```
 */
export function nameKey(canonical: string): string {
  return canonical.toUpperCase().toLowerCase().normalize("NFC");
}
