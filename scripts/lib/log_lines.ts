/**
 * Reads the services' log lines (lib/service/log.ts) back into records, so that scripts take
 * figures from the fields of an event rather than from a pattern over its text.
 *
 * The format: `TIME LEVEL COMPONENT EVENT [KEY=VALUE ...]`, one event per line. The event is
 * one or more words without `=`; a value is either a bare token (`[\w.:/@+-]*`) or a JSON
 * string, which is how log.ts writes anything else.
 * @module
 */

/** One parsed log line. */
export interface LogRecord {
  /** ISO 8601 timestamp. */
  readonly time: string;
  /** `debug`, `info`, `warn` or `error`. */
  readonly level: string;
  /** The component that logged it, e.g. `recognizer`. */
  readonly component: string;
  /** The event, e.g. `model trained`. */
  readonly event: string;
  /** The fields, as the strings log.ts wrote (JSON strings decoded). */
  readonly fields: Readonly<Record<string, string>>;
}

const HEAD = /^(\d{4}-\d\d-\d\dT[\d:.]+Z) (\w+) (\S+) /;
const KEY = /^([\w-]+)=/;
const BARE = /^[\w.:/@+-]*/;

/**
 * The record of one log line, or `undefined` for a line that is not one (a stack trace, a
 * warning from Deno). Throws `SyntaxError` for a line that starts as one but is malformed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseLogLine } from "./log_lines.ts";
 * const line = '2026-01-01T00:00:00.000Z info recognizer model trained mode="full retrain" ms=12';
 * const record = parseLogLine(line);
 * assert.equal(record?.event, "model trained");
 * assert.deepEqual(record?.fields, { mode: "full retrain", ms: "12" });
 * ```
 */
export function parseLogLine(line: string): LogRecord | undefined {
  const head = HEAD.exec(line);
  if (!head) return undefined;
  let rest = line.slice(head[0].length);
  const words: string[] = [];
  while (rest !== "" && !KEY.test(rest)) {
    const space = rest.indexOf(" ");
    words.push(space < 0 ? rest : rest.slice(0, space));
    rest = space < 0 ? "" : rest.slice(space + 1);
  }
  const fields: Record<string, string> = {};
  while (rest !== "") {
    const key = KEY.exec(rest);
    if (!key) throw new SyntaxError(`log line: expected KEY=VALUE, got ${JSON.stringify(rest)}`);
    rest = rest.slice(key[0].length);
    let value: string;
    if (rest.startsWith('"')) {
      const end = closingQuote(rest);
      value = JSON.parse(rest.slice(0, end + 1));
      rest = rest.slice(end + 1);
    } else {
      value = BARE.exec(rest)![0];
      rest = rest.slice(value.length);
    }
    fields[key[1]!] = value;
    if (rest !== "" && !rest.startsWith(" ")) {
      throw new SyntaxError(
        `log line: expected a space after ${key[1]}, got ${JSON.stringify(rest)}`,
      );
    }
    rest = rest.slice(1);
  }
  return { time: head[1]!, level: head[2]!, component: head[3]!, event: words.join(" "), fields };
}

/** Every record in `text` (a process's stderr), skipping lines that are not log lines. */
export function parseLog(text: string): LogRecord[] {
  const records: LogRecord[] = [];
  for (const line of text.split("\n")) {
    const record = parseLogLine(line);
    if (record) records.push(record);
  }
  return records;
}

/** Index of the quote closing the JSON string that `text` starts with. */
function closingQuote(text: string): number {
  for (let i = 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i;
  }
  throw new SyntaxError(`log line: unterminated string in ${JSON.stringify(text)}`);
}
