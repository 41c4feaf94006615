/**
 * The usage error of every command line: the servers' (lib/cli) and the client's
 * (lib/client), which are sibling layers, so it sits here, below both.
 * @module
 */

/** A command line the program cannot act on; programs exit with status 64 (EX_USAGE). */
export class UsageError extends Error {
  /** Always `"UsageError"`. */
  override name = "UsageError";
}

/** The conventional exit status for a usage error (sysexits.h EX_USAGE). */
export const EXIT_USAGE = 64;
