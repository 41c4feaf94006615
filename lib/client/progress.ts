/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal, so piped and
 * --json output stays clean.
 * @module
 */
const encoder = new TextEncoder();

/** Progress over a known number of items. */
export class ProgressBar {
  readonly #total: number;
  readonly #label: string;
  readonly #enabled: boolean;
  #done = 0;

  constructor(total: number, label: string, enabled = Deno.stderr.isTerminal()) {
    this.#total = total;
    this.#label = label;
    this.#enabled = enabled && total > 0;
  }

  /** Marks `n` more items done and redraws. */
  advance(n = 1): void {
    this.#done = Math.min(this.#total, this.#done + n);
    if (!this.#enabled) return;
    const width = 30;
    const filled = Math.round((this.#done / this.#total) * width);
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    Deno.stderr.writeSync(encoder.encode(`\r${this.#label} [${bar}] ${this.#done}/${this.#total}`));
  }

  /** Clears the line. */
  finish(): void {
    if (this.#enabled) Deno.stderr.writeSync(encoder.encode("\r\x1b[2K"));
  }
}
