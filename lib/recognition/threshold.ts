/**
 * Unknown-face thresholds. OpenCV's default threshold (DBL_MAX) names everybody; these
 * defaults were calibrated on ORL as described in docs/RECOGNITION.md.
 * @module
 */
import type { Algorithm, Candidate, FaceImage } from "./recognizer.ts";

/**
 * Default distance thresholds per algorithm: a candidate is accepted only when its distance
 * is strictly below the threshold (OpenCV's rule). The classic three were measured on the
 * service's faces (YuNet boxes cut from the grey photo, resized to 92x112) with
 * scripts/calibrate_classic.ts (docs/RECOGNITION.md). These are the values for a large
 * gallery; Eigen and Fisher distances grow with the gallery, and {@link galleryThreshold}
 * gives the one for a gallery's size. The service calibrates Fisher on the gallery itself
 * when it can (`selfCalibratedThreshold`). `dnn`'s value is for colour photos; greyscale
 * ones get {@link DNN_GREY_THRESHOLD} (see {@link defaultThreshold}).
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<Algorithm, number>> = Object.freeze({
  dnn: 0.55,
  eigen: 2200,
  fisher: 800,
  lbph: 73,
});

/** The size of the gallery a model was trained on. */
export interface GallerySize {
  /** Training faces. */
  readonly faces: number;
  /** Distinct people among them. */
  readonly people: number;
}

/**
 * Fisher's threshold on galleries too small to calibrate on (`selfCalibratedThreshold`
 * needs 4 people and 20 faces), by number of people. LDA keeps C-1 dimensions, so strangers
 * land farther from everyone as people are added: on ORL the largest threshold that kept 5%
 * of strangers out was 89-165 with 2 people, 381-626 with 3 and 830-1103 with 5.
 */
export const FISHER_SMALL_GALLERY: Readonly<{ two: number; three: number; more: number }> = Object
  .freeze({ two: 100, three: 400, more: DEFAULT_THRESHOLDS.fisher });

/**
 * Below this many people, a Fisher threshold calibrated on the gallery is capped at
 * {@link FISHER_SMALL_GALLERY}`.more`: calibrated on ORL galleries of 5 and 8 people with 4-6
 * photos each it let 4-13% of strangers through (the 5% quantile of a few dozen in-sample
 * distances, scaled by half-models of 2-4 people, is noisy), where 800 kept them under 5%.
 * From 12 people on the calibrated value held (FAR at most 3.3%).
 */
export const FISHER_CAP_BELOW_PEOPLE = 10;

/**
 * Fisherfaces' threshold for a gallery: `calibrated` (from `selfCalibratedThreshold`, null
 * when the gallery is too small for it), capped on galleries of fewer than
 * {@link FISHER_CAP_BELOW_PEOPLE} people; {@link galleryThreshold} without one.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { fisherThreshold } from "./threshold.ts";
 * assert.equal(fisherThreshold({ faces: 30, people: 5 }, 1100), 800);
 * assert.equal(fisherThreshold({ faces: 90, people: 15 }, 1100), 1100);
 * assert.equal(fisherThreshold({ faces: 6, people: 3 }, null), 400);
 * ```
 */
export function fisherThreshold(size: GallerySize, calibrated: number | null): number {
  const bySize = galleryThreshold("fisher", size);
  if (calibrated === null) return bySize;
  return size.people < FISHER_CAP_BELOW_PEOPLE ? Math.min(calibrated, bySize) : calibrated;
}

/**
 * The default threshold of a classic model for the gallery it was trained on.
 *
 * - Eigenfaces keeps one component per training face (less one), and a stranger's distance
 *   grows as the subspace takes in more of the face: 380 + 435 ln(faces), capped at the
 *   large-gallery 2200. The curve is the lower envelope of the largest thresholds at FAR 5%
 *   measured on ORL galleries of 4 to 222 faces (docs/RECOGNITION.md); the fixed 2200 let
 *   60-80% of strangers through a gallery of 2 or 3 people.
 * - Fisherfaces: {@link FISHER_SMALL_GALLERY}; the service calibrates larger galleries.
 * - LBPH's histograms do not depend on the gallery: 73 throughout.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { galleryThreshold } from "./threshold.ts";
 * assert.equal(galleryThreshold("eigen", { faces: 4, people: 2 }), 983);
 * assert.equal(galleryThreshold("eigen", { faces: 400, people: 40 }), 2200);
 * assert.equal(galleryThreshold("fisher", { faces: 6, people: 3 }), 400);
 * ```
 */
export function galleryThreshold(algorithm: Algorithm, size: GallerySize): number {
  if (algorithm === "eigen") {
    const grown = 380 + 435 * Math.log(Math.max(2, size.faces));
    return Math.min(DEFAULT_THRESHOLDS.eigen, Math.round(grown));
  }
  if (algorithm === "fisher") {
    return size.people <= 2
      ? FISHER_SMALL_GALLERY.two
      : size.people === 3
      ? FISHER_SMALL_GALLERY.three
      : FISHER_SMALL_GALLERY.more;
  }
  return DEFAULT_THRESHOLDS[algorithm];
}

/**
 * The candidates under `threshold`, still nearest first; empty means "unknown".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { applyThreshold } from "./threshold.ts";
 * const accepted = applyThreshold([{ label: 1, distance: 40 }, { label: 2, distance: 90 }], 70);
 * assert.deepEqual(accepted, [{ label: 1, distance: 40 }]);
 * ```
 */
export function applyThreshold<C extends Pick<Candidate, "distance">>(
  candidates: readonly C[],
  threshold: number,
): C[] {
  if (Number.isNaN(threshold)) throw new RangeError("threshold: expected a number, got NaN");
  return candidates.filter((c) => c.distance < threshold);
}

/**
 * The dnn threshold for greyscale photos. Grey descriptors crowd together: on ORL, strangers
 * came within 0.55 of someone enrolled a quarter of the time, and 0.45 keeps that near 0.3%
 * while naming 99% of the probes whose nearest person is right (scripts/calibrate_dnn.ts,
 * docs/RECOGNITION.md). Colour photos keep 0% of strangers up to 0.56 on lfw10.
 */
export const DNN_GREY_THRESHOLD = 0.45;

/**
 * True when an RGB face chip carries no colour: the mean difference between its channels is
 * under 2 grey levels (a grey photo saved as colour JPEG keeps a little chroma noise).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { isGreyChip } from "./threshold.ts";
 * assert.equal(isGreyChip({ width: 1, height: 1, channels: 3, data: Uint8Array.of(9, 9, 10) }), true);
 * assert.equal(isGreyChip({ width: 1, height: 1, channels: 3, data: Uint8Array.of(200, 90, 60) }), false);
 * ```
 */
export function isGreyChip(image: FaceImage): boolean {
  if ((image.channels ?? 1) === 1) return true;
  const { data } = image;
  let spread = 0;
  for (let i = 0; i + 2 < data.length; i += 3) {
    const r = data[i]!, g = data[i + 1]!, b = data[i + 2]!;
    spread += Math.abs(r - g) + Math.abs(g - b);
  }
  return spread / (data.length / 3) < 2;
}

/**
 * The default threshold for one probe: the algorithm's, except for dnn on a greyscale chip.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DEFAULT_THRESHOLDS, defaultThreshold, DNN_GREY_THRESHOLD } from "./threshold.ts";
 * const grey = { width: 1, height: 1, channels: 3 as const, data: Uint8Array.of(5, 5, 5) };
 * assert.equal(defaultThreshold("dnn", grey), DNN_GREY_THRESHOLD);
 * assert.equal(defaultThreshold("lbph", grey), DEFAULT_THRESHOLDS.lbph);
 * ```
 */
export function defaultThreshold(algorithm: Algorithm, probe?: FaceImage): number {
  if (algorithm === "dnn" && probe && isGreyChip(probe)) return DNN_GREY_THRESHOLD;
  return DEFAULT_THRESHOLDS[algorithm];
}
