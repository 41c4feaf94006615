/**
 * Evaluation: reads folder-per-person datasets as ../shared/tools/native_baseline.py does,
 * splits them, trains and scores the recognizers, and calibrates unknown-face thresholds.
 * `scripts/eval.ts` is its command line; the tests and the benchmarks use it too.
 *
 * @module
 */
export * from "./read_corpus.ts";
export * from "./split_corpus.ts";
export * from "./evaluate.ts";
export * from "./open_set_rates.ts";
export * from "./calibrate.ts";
export * from "./calibrate_on_other_people.ts";
export * from "./rotate_unknown.ts";
export * from "./stats.ts";
