/**
 * The train/test split of ../shared/tools/native_baseline.py, with open-set people apart.
 * @module
 */
import type { FaceImage } from "../recognition/mod.ts";
import type { Corpus } from "./read_corpus.ts";

/** One image and its true label. */
export interface Probe {
  /** The grey face. */
  readonly image: FaceImage;
  /** The person's index; for an untrained person, `-1 - index`. */
  readonly label: number;
}

/** A train/test split of a corpus, with untrained people's images apart. */
export interface Dataset {
  /** Person names, as in the corpus. */
  readonly people: string[];
  /** How many people are never trained. */
  readonly unknownPeople: number;
  /** Images the recognizer trains on. */
  readonly train: Probe[];
  /** Images of trained people, held out. */
  readonly test: Probe[];
  /** Images of untrained people, labelled -1 - person index. */
  readonly unknown: Probe[];
  /** Images in which detection found no face. */
  readonly noFace: number;
  /** Files no reader could decode (skipped with a warning; the native tool would stop). */
  readonly unreadable: number;
  /** Mean detection time, or `null` without detection. */
  readonly detectMsPerImage: number | null;
}

/**
 * Splits a corpus: the first `trainPerPerson` files of each person train, the rest test;
 * people `unknownFrom .. unknownFrom + unknownPeople - 1` are never trained. Throws
 * `RangeError` unless at least one person stays known.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { splitCorpus } from "./split_corpus.ts";
 * const image = { width: 1, height: 1, data: new Uint8Array(1) };
 * const corpus = {
 *   people: ["a", "b"],
 *   images: [0, 1, 2].flatMap((index) => [0, 1].map((person) => ({ person, index, image }))),
 *   noFace: 0,
 *   unreadable: 0,
 *   detectMsPerImage: null,
 * };
 * const split = splitCorpus(corpus, 2, 1);
 * assert.equal(split.train.length, 2);
 * assert.equal(split.test.length, 1);
 * assert.equal(split.unknown.length, 3);
 * ```
 */
export function splitCorpus(
  corpus: Corpus,
  trainPerPerson: number,
  unknownPeople = 0,
  unknownFrom: number = corpus.people.length - unknownPeople,
): Dataset {
  if (unknownPeople >= corpus.people.length) {
    throw new RangeError(
      `--unknown-people: expected fewer than the ${corpus.people.length} people, got ${unknownPeople}`,
    );
  }
  const train: Probe[] = [], test: Probe[] = [], unknown: Probe[] = [];
  for (const { person, index, image } of corpus.images) {
    if (person >= unknownFrom && person < unknownFrom + unknownPeople) {
      unknown.push({ image, label: -1 - person });
    } else (index < trainPerPerson ? train : test).push({ image, label: person });
  }
  return {
    people: corpus.people,
    unknownPeople,
    train,
    test,
    unknown,
    noFace: corpus.noFace,
    unreadable: corpus.unreadable,
    detectMsPerImage: corpus.detectMsPerImage,
  };
}
