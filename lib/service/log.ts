/**
 * A small structured logger: one line per event on stderr, `key=value` pairs, so logs can
 * be grepped and parsed without a library.
 * @module
 */

/** Log levels, quietest last. */
export const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
/** One of {@link LOG_LEVELS}. */
export type LogLevel = typeof LOG_LEVELS[number];

/** Logger used by the services. */
export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

function format(value: unknown): string {
  const text = value instanceof Error ? value.message : String(value);
  return /^[\w.:/@+-]*$/.test(text) ? text : JSON.stringify(text);
}

/** A logger writing lines like `2026-01-01T00:00:00.000Z info detector listening port=1`. */
export function createLogger(component: string, level: LogLevel = "info"): Logger {
  const threshold = LOG_LEVELS.indexOf(level);
  const encoder = new TextEncoder();
  const emit = (lvl: LogLevel) => (event: string, fields: Record<string, unknown> = {}) => {
    if (LOG_LEVELS.indexOf(lvl) < threshold) return;
    const pairs = Object.entries(fields).map(([k, v]) => `${k}=${format(v)}`).join(" ");
    const line = `${new Date().toISOString()} ${lvl} ${component} ${event}${
      pairs ? " " + pairs : ""
    }\n`;
    try {
      Deno.stderr.writeSync(encoder.encode(line));
    } catch {
      // stderr closed: nothing useful to do
    }
  };
  return { debug: emit("debug"), info: emit("info"), warn: emit("warn"), error: emit("error") };
}
