/**
 * The threshold calibration method of docs/RECOGNITION.md.
 * @module
 */
import type { Algorithm, Embedder } from "../recognition/mod.ts";
import type { Corpus } from "./read_corpus.ts";
import { splitCorpus } from "./split_corpus.ts";
import { evaluate } from "./evaluate.ts";
import { calibrate, type RatedThreshold } from "./calibrate.ts";
import { openSetRates, type Scored } from "./open_set_rates.ts";

/** A threshold calibrated on other people, with the pooled rates it gives. */
export interface OtherPeopleCalibration extends RatedThreshold {
  /** How many splits were pooled. */
  readonly splits: number;
}

/**
 * Every block of `unknownPeople` consecutive people other than the reported (last) block is
 * made unknown in turn; the nearest distances of all those splits are pooled, and the
 * threshold is the largest one whose pooled false accept rate is at most 5%, rounded down
 * to two significant digits.
 */
export function calibrateOnOtherPeople(
  corpus: Corpus,
  trainPerPerson: number,
  unknownPeople: number,
  algorithm: Algorithm,
  embedder?: Embedder,
): OtherPeopleCalibration {
  const known: Scored[] = [], unknown: Scored[] = [];
  let splits = 0;
  for (let from = 0; from + 2 * unknownPeople <= corpus.people.length; from += unknownPeople) {
    const scored = evaluate(
      splitCorpus(corpus, trainPerPerson, unknownPeople, from),
      algorithm,
      undefined,
      embedder,
    );
    known.push(...scored.known);
    unknown.push(...scored.unknown);
    splits++;
  }
  const threshold = roundDown2(calibrate(known, unknown).far5.threshold);
  return { threshold, splits, ...openSetRates(known, unknown, threshold) };
}

function roundDown2(x: number): number {
  if (!(x > 0)) return 0;
  const unit = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Math.floor(x / unit) * unit;
}
