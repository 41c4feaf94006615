/**
 * Viola-Jones face detection (Viola & Jones, "Rapid Object Detection using a Boosted Cascade
 * of Simple Features", CVPR 2001; Lienhart's extended Haar features) through OpenCV-WASM's
 * CascadeClassifier, with the native reference tool's parameters as defaults.
 * @module
 */
import { type CV, loadOpenCV, mountAsset, openCVError } from "../../wasm/opencv.ts";
import { grayToMat } from "../imaging/_mat.ts";
import type { Box, GrayImage } from "../imaging/image.ts";
import { MatScope } from "../imaging/mat_scope.ts";

/** Tuning knobs of `detectMultiScale`. */
export interface HaarOptions {
  /** Pyramid step between scales; > 1. Default 1.1. */
  scaleFactor?: number;
  /** Overlapping raw hits needed to keep a face; >= 0. Default 3. */
  minNeighbors?: number;
  /** Smallest face side in pixels; >= 1. Default 30. */
  minSize?: number;
}

/** The native tool's `casc.detectMultiScale(img, 1.1, 3, minSize=(30, 30))`. */
export const DEFAULT_HAAR_OPTIONS: Readonly<Required<HaarOptions>> = Object.freeze({
  scaleFactor: 1.1,
  minNeighbors: 3,
  minSize: 30,
});

type Classifier = InstanceType<CV["CascadeClassifier"]>;

function resolve(options: HaarOptions): Required<HaarOptions> {
  const o = { ...DEFAULT_HAAR_OPTIONS, ...options };
  if (!(o.scaleFactor > 1 && Number.isFinite(o.scaleFactor))) {
    throw new RangeError(`expected scaleFactor > 1, got ${o.scaleFactor}`);
  }
  if (!(Number.isInteger(o.minNeighbors) && o.minNeighbors >= 0)) {
    throw new RangeError(`expected minNeighbors as an integer >= 0, got ${o.minNeighbors}`);
  }
  if (!(Number.isInteger(o.minSize) && o.minSize >= 1)) {
    throw new RangeError(`expected minSize as an integer >= 1, got ${o.minSize}`);
  }
  return o;
}

/**
 * A loaded Haar cascade. Create one per worker and reuse it: loading the XML takes tens of
 * milliseconds, detection on a 500x375 photo a few tens.
 *
 * @example
 * ```ts ignore
 * using detector = await HaarDetector.create();
 * const faces = detector.detect(decodeGray(bytes)); // largest first
 * ```
 */
export class HaarDetector implements Disposable {
  #cv: CV;
  #classifier: Classifier | undefined;
  /** File name of the loaded cascade, in `wasm/`. */
  readonly cascade: string;

  private constructor(cv: CV, classifier: Classifier, cascade: string) {
    this.#cv = cv;
    this.#classifier = classifier;
    this.cascade = cascade;
  }

  /**
   * Loads a cascade XML shipped in `wasm/` (by file name, never a user-supplied path).
   * Rejects when the file is missing or is not a cascade.
   */
  static async create(cascade = "haarcascade_frontalface_default.xml"): Promise<HaarDetector> {
    if (!/^[\w.-]+\.xml$/.test(cascade)) {
      throw new TypeError(
        `expected a cascade file name like "name.xml", got ${JSON.stringify(cascade)}`,
      );
    }
    const { cv } = await loadOpenCV();
    const path = await mountAsset(cv, cascade);
    const classifier = new cv.CascadeClassifier();
    let ok = false;
    try {
      ok = Boolean(classifier.load(path) as unknown); // typed as String, returns bool
    } catch (e) {
      classifier.delete();
      throw openCVError(cv, e, `loading cascade ${cascade}`);
    }
    if (!ok || classifier.empty()) {
      classifier.delete();
      throw new Error(`cascade ${cascade} did not load: expected an OpenCV cascade XML`);
    }
    return new HaarDetector(cv, classifier, cascade);
  }

  /**
   * Finds faces in a grey image. Boxes are in image pixels, sorted by area, largest first
   * (ties: top to bottom, then left to right), so `[0]` is the most prominent face.
   */
  detect(gray: GrayImage, options: HaarOptions = {}): Box[] {
    const classifier = this.#classifier;
    if (!classifier) {
      throw new Error("HaarDetector.detect() after dispose: expected a live detector");
    }
    const o = resolve(options);
    const cv = this.#cv;
    using scope = new MatScope();
    const boxes: Box[] = [];
    try {
      const mat = grayToMat(cv, scope, gray);
      const found = scope.track(new cv.RectVector());
      classifier.detectMultiScale(
        mat,
        found,
        o.scaleFactor,
        o.minNeighbors,
        0,
        new cv.Size(o.minSize, o.minSize),
        new cv.Size(0, 0),
      );
      for (let i = 0; i < found.size(); i++) {
        const r = found.get(i);
        boxes.push({ x: r.x, y: r.y, width: r.width, height: r.height });
      }
    } catch (e) {
      if (e instanceof RangeError) throw e;
      throw openCVError(cv, e, "HaarDetector.detect");
    }
    return boxes.sort((a, b) => b.width * b.height - a.width * a.height || a.y - b.y || a.x - b.x);
  }

  /** Frees the classifier. Safe to call twice. */
  [Symbol.dispose](): void {
    this.#classifier?.delete();
    this.#classifier = undefined;
  }
}
