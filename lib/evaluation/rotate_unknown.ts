/**
 * Open-set figures over every choice of unknown block: one split of 10 unknown people is a
 * noisy estimate.
 * @module
 */
import type { Algorithm, Embedder } from "../recognition/mod.ts";
import type { Corpus } from "./read_corpus.ts";
import { splitCorpus } from "./split_corpus.ts";
import { evaluate, type ThresholdChoice } from "./evaluate.ts";
import { mean, round } from "./stats.ts";

/** One split of {@link rotateUnknown}. */
export interface RotatedSplit {
  /** Index of the first unknown person. */
  from: number;
  /** The threshold applied to this split. */
  threshold: number;
  /** Known probes named right under the threshold. */
  known_accuracy: number;
  /** Unknown probes given a name. */
  false_accept_rate: number;
}

/** Every split of {@link rotateUnknown} and their means. */
export interface Rotation {
  /** One entry per unknown block. */
  splits: RotatedSplit[];
  /** Mean of the splits' `known_accuracy`. */
  mean_known_accuracy: number;
  /** Mean of the splits' `false_accept_rate`. */
  mean_false_accept_rate: number;
}

/**
 * Open-set figures for every block of `unknownPeople` consecutive people made unknown in
 * turn (the reported block included), with `choice` applied to each split's own gallery.
 */
export function rotateUnknown(
  corpus: Corpus,
  trainPerPerson: number,
  unknownPeople: number,
  algorithm: Algorithm,
  choice: ThresholdChoice | undefined,
  embedder?: Embedder,
): Rotation {
  const splits: RotatedSplit[] = [];
  for (let from = 0; from + unknownPeople <= corpus.people.length; from += unknownPeople) {
    const { result } = evaluate(
      splitCorpus(corpus, trainPerPerson, unknownPeople, from),
      algorithm,
      choice,
      embedder,
    );
    splits.push({
      from,
      threshold: result.threshold!,
      known_accuracy: result.known_accuracy!,
      false_accept_rate: result.false_accept_rate!,
    });
  }
  return {
    splits,
    mean_known_accuracy: round(mean(splits.map((s) => s.known_accuracy)), 4),
    mean_false_accept_rate: round(mean(splits.map((s) => s.false_accept_rate)), 4),
  };
}
