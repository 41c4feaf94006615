/**
 * The tokens file of `--tokens FILE`: one `ROLE TOKEN` pair per line (roles.ts says what each
 * role may do).
 * @module
 */
import { type Role, ROLES, type RoleToken } from "./roles.ts";

/**
 * Parses a tokens file: one `ROLE TOKEN` pair per line, separated by spaces or tabs; blank
 * lines and lines starting with `#` are skipped. `source` names the file in messages.
 *
 * @throws {SyntaxError} naming the line, for an unknown role, a line that is not two words,
 * a token given twice, or a file without any key.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseTokens } from "./tokens_file.ts";
 * const keys = parseTokens("# operators\nadmin s3cret\n\nidentify kiosk-7\n", "tokens.txt");
 * assert.deepEqual(keys, [{ role: "admin", token: "s3cret" }, { role: "identify", token: "kiosk-7" }]);
 * assert.throws(() => parseTokens("root s3cret", "tokens.txt"), /tokens.txt:1: unknown role "root"/);
 * ```
 */
export function parseTokens(text: string, source: string): RoleToken[] {
  const keys: RoleToken[] = [];
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) return;
    const where = `${source}:${i + 1}`;
    const words = line.split(/[ \t]+/);
    if (words.length !== 2) {
      throw new SyntaxError(
        `${where}: expected "ROLE TOKEN" (two words), got ${words.length} word(s)`,
      );
    }
    const [role, token] = words as [string, string];
    if (!(ROLES as readonly string[]).includes(role)) {
      throw new SyntaxError(
        `${where}: unknown role ${JSON.stringify(role)}, expected one of ${ROLES.join(", ")}`,
      );
    }
    const first = seen.get(token);
    if (first !== undefined) {
      throw new SyntaxError(`${where}: this token is already given on line ${first}`);
    }
    seen.set(token, i + 1);
    keys.push({ role: role as Role, token });
  });
  if (keys.length === 0) {
    throw new SyntaxError(`${source}: no "ROLE TOKEN" line; an empty file would turn keys off`);
  }
  return keys;
}
