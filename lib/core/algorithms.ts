/**
 * The recognition algorithms: the one list that the wire ids, the recognizers, the model
 * manager, the client's flags, the scripts and the tests all derive from.
 *
 * Why a module of its own, at the bottom of the layer table (scripts/check_layers.ts):
 * lib/protocol (which gives each algorithm its wire id) and lib/recognition (which
 * implements them and gives each a model-file id) are sibling layers and may not import
 * each other, yet both need the list, and so do the service, the client and the scripts
 * above them. lib/core imports nothing, so every layer may import it. The alternative, a
 * list in each sibling and a compile-time check in the service that they agree, keeps two
 * lists to edit and a third place that knows there are two. With one list, each table
 * keyed by algorithm (`ALGORITHM_IDS` in lib/protocol/codes.ts, `MODEL_ALGORITHM_IDS` in
 * lib/recognition/model_file.ts, `DEFAULT_THRESHOLDS`) is typed `Record<Algorithm, ...>`,
 * so adding an algorithm here fails to compile until each of them has it.
 *
 * @module
 */

/**
 * The classic algorithms of OpenCV contrib's `face` module, which learn from greyscale
 * crops and are kept at parity with it, in the order they are reported.
 */
export const CLASSIC_ALGORITHMS = ["eigen", "fisher", "lbph"] as const;

/**
 * Every algorithm id, as used on the wire, in model files and on the command line, in the
 * order they are reported: `dnn` (an aligned deep face descriptor), then the classic three.
 */
export const ALGORITHMS = ["dnn", ...CLASSIC_ALGORITHMS] as const;

/** One of {@link ALGORITHMS}. */
export type Algorithm = typeof ALGORITHMS[number];

/** One of {@link CLASSIC_ALGORITHMS}. */
export type ClassicAlgorithm = typeof CLASSIC_ALGORITHMS[number];

/** The algorithm a request gets when it names none: the one that works on ordinary photos. */
export const DEFAULT_ALGORITHM: Algorithm = "dnn";

/**
 * True when `name` is one of {@link ALGORITHMS}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isAlgorithm } from "./algorithms.ts";
 * assert.equal(isAlgorithm("lbph"), true);
 * assert.equal(isAlgorithm("LBPH"), false);
 * ```
 */
export function isAlgorithm(name: string): name is Algorithm {
  return (ALGORITHMS as readonly string[]).includes(name);
}
