/**
 * YuNet face detection (W. Wu, H. Peng, S. Yu, "YuNet: A Tiny Millisecond-level Face
 * Detector", Machine Intelligence Research 20, 2023) through OpenCV-WASM's
 * `cv.FaceDetectorYN`, with the OpenCV Zoo model shipped in `wasm/` (MIT, see
 * wasm/LICENSE-yunet.md). Each face comes with a score and five landmarks.
 *
 * YuNet finds faces of roughly 10 to 300 pixels in the image it is given (OpenCV Zoo's model
 * notes; measured here: faces filling 640x640 crops of lfw10 were found in 0 of 100 at score
 * 0.8, filling 320x320 crops in 100 of 100, 24x24 crops in 2 of 100). So an image is run
 * through a small pyramid: the first level is the image bounded to `maxInputSide` (or
 * enlarged when tiny), and while a level's shorter side exceeds 320 a level a third its size
 * is added, so that even a face filling the frame is at most ~320 pixels in some level. A
 * third of the size costs a ninth of the time; the levels' detections are merged by
 * non-maximum suppression. Coordinates are mapped back to the full-resolution source.
 * @module
 */
import { type CV, loadOpenCV, mountAsset, openCVError } from "../../wasm/opencv.ts";
import { checkPixels, rgbaToMat } from "../imaging/_mat.ts";
import { shrinkRgba } from "../imaging/_shrink.ts";
import type { Box, RgbaImage } from "../imaging/image.ts";
import { MatScope } from "../imaging/mat_scope.ts";
import { suppressOverlaps } from "./_nms.ts";
import { MIN_SHORT_SIDE, pyramidSizes } from "./_pyramid.ts";
import type { DetectedFace, Landmarks, Point } from "./face.ts";

/** Tuning knobs of {@link YunetDetector.detect}. */
export interface YunetOptions {
  /** Smallest confidence kept, in [0, 1]. */
  scoreThreshold?: number;
  /** IoU above which the weaker of two overlapping faces is dropped, in [0, 1]. */
  nmsThreshold?: number;
  /** Most candidates kept before suppression, and most faces returned; integer >= 1. */
  topK?: number;
  /** Smallest face kept: the shorter side of its box in source pixels; >= 0. */
  minFaceSize?: number;
  /**
   * Longest side, in pixels, of the image YuNet runs on; integer >= 64. Larger images are
   * downscaled (INTER_AREA) for detection only, so the cost is bounded whatever the source.
   */
  maxInputSide?: number;
}

/**
 * Defaults, and why:
 * - `scoreThreshold` 0.8: every true face in the shared data scored above 0.86 (the 43
 *   annotated faces, all 400 ORL crops, 100 lfw10 photos, 40 BBT crops), while the two
 *   non-faces that scored highest in no_face were a squirrel's face at 0.76 and a pattern on
 *   board.jpg at 0.60. OpenCV's own samples use 0.9.
 * - `nmsThreshold` 0.3 and `topK` 5000: OpenCV Zoo's demo values.
 * - `minFaceSize` 20: a smaller face is upscaled over 7x into a 150-pixel chip and carries too
 *   little detail for any recognizer; the low-scoring false alarms seen here were 7-18 pixels.
 * - `maxInputSide` 1000: detection costs about 0.8-1 µs per pixel here (250x250 about 55 ms,
 *   1000x667 about 0.7 s, 1280x853 1.5x that), so a 6000x4000 photo detected at 1000x667
 *   costs about 1.2x a 1000-px photo (1.9x at 1280). The price is the smallest faces of big
 *   photos: on a 4000x3000 grid of lfw10 photos, faces of about 50 source pixels (12 in the
 *   detector's input) were found in 92% of tiles at 1000 and 100% at 1280, faces of 60 in 99%
 *   and 100%, faces of 70 or more in all at both. Raise it (`--detect-size`) for crowd photos
 *   whose faces are smaller than about a 70th of the photo's longer side.
 */
export const DEFAULT_YUNET_OPTIONS: Readonly<Required<YunetOptions>> = Object.freeze({
  scoreThreshold: 0.8,
  nmsThreshold: 0.3,
  topK: 5000,
  minFaceSize: 20,
  maxInputSide: 1000,
});

/** The shipped model, in wasm/. */
export const YUNET_MODEL = "face_detection_yunet_2026may.onnx";

type Mat = InstanceType<CV["Mat"]>;
type Size = InstanceType<CV["Size"]>;

/** `cv.FaceDetectorYN`, which the opencv-js typings omit. */
interface FaceDetectorYN {
  setInputSize(size: Size): void;
  setScoreThreshold(value: number): void;
  setNMSThreshold(value: number): void;
  setTopK(value: number): void;
  detect(image: Mat, faces: Mat): number;
  delete(): void;
}
type FaceDetectorYNConstructor = new (
  model: string,
  config: string,
  inputSize: Size,
  scoreThreshold: number,
  nmsThreshold: number,
  topK: number,
  backendId: number,
  targetId: number,
) => FaceDetectorYN;

/** Values per face in FaceDetectorYN's output: box (4), landmarks (10), score. */
const ROW = 15;

function resolve(options: YunetOptions): Required<YunetOptions> {
  const o = { ...DEFAULT_YUNET_OPTIONS, ...options };
  for (const key of ["scoreThreshold", "nmsThreshold"] as const) {
    const v = o[key];
    if (!(v >= 0 && v <= 1)) throw new RangeError(`expected ${key} in [0, 1], got ${v}`);
  }
  if (!(Number.isInteger(o.topK) && o.topK >= 1)) {
    throw new RangeError(`expected topK as an integer >= 1, got ${o.topK}`);
  }
  if (!(o.minFaceSize >= 0 && Number.isFinite(o.minFaceSize))) {
    throw new RangeError(`expected minFaceSize as a finite number >= 0, got ${o.minFaceSize}`);
  }
  if (!(Number.isInteger(o.maxInputSide) && o.maxInputSide >= MIN_SHORT_SIDE)) {
    throw new RangeError(
      `expected maxInputSide as an integer >= ${MIN_SHORT_SIDE}, got ${o.maxInputSide}`,
    );
  }
  return o;
}

interface Candidate {
  box: Box; // float source coordinates, unclipped
  score: number;
  landmarks: Landmarks;
}

/**
 * A loaded YuNet model. Create one per worker and reuse it: loading takes tens of
 * milliseconds. On a quiet 2-core machine detection took about 55 ms on a 250x250 photo,
 * 0.7 s on a 1000x667 one and 0.8 s on a 6000x4000 one (decoding not included), bounded by
 * `maxInputSide` whatever the photo's size (see {@link DEFAULT_YUNET_OPTIONS}).
 *
 * @example
 * ```ts ignore
 * using detector = await YunetDetector.create();
 * const faces = detector.detect(decodeImage(bytes)); // largest first
 * const eyes = faces[0]?.landmarks?.slice(0, 2);
 * ```
 */
export class YunetDetector implements Disposable {
  #cv: CV;
  #net: FaceDetectorYN | undefined;

  private constructor(cv: CV, net: FaceDetectorYN) {
    this.#cv = cv;
    this.#net = net;
  }

  /** Loads the shipped model into OpenCV. Rejects when OpenCV cannot read it. */
  static async create(): Promise<YunetDetector> {
    const { cv } = await loadOpenCV();
    const Ctor = (cv as unknown as { FaceDetectorYN?: FaceDetectorYNConstructor }).FaceDetectorYN;
    if (typeof Ctor !== "function") {
      throw new Error("expected an OpenCV.js build with cv.FaceDetectorYN, got one without it");
    }
    // FaceDetectorYN reads the model from the emscripten file system; bytes passed directly
    // fail to load in opencv-js 4.12.
    const path = await mountAsset(cv, YUNET_MODEL);
    const o = DEFAULT_YUNET_OPTIONS;
    try {
      const net = new Ctor(
        path,
        "",
        new cv.Size(320, 320),
        o.scoreThreshold,
        o.nmsThreshold,
        o.topK,
        0,
        0,
      );
      return new YunetDetector(cv, net);
    } catch (e) {
      throw openCVError(cv, e, `loading ${YUNET_MODEL}`);
    }
  }

  /**
   * Finds faces in an RGBA image. Boxes are integer pixels clipped to the image, landmarks
   * floats (possibly just outside it), both in the source image's coordinates. Sorted by box
   * area, largest first (ties: top to bottom, then left to right).
   */
  detect(image: RgbaImage, options: YunetOptions = {}): DetectedFace[] {
    const net = this.#net;
    if (!net) throw new Error("YunetDetector.detect() after dispose: expected a live detector");
    const o = resolve(options);
    checkPixels(image, 4);
    const cv = this.#cv;
    using scope = new MatScope();
    let candidates: Candidate[] = [];
    const levels = pyramidSizes(image.width, image.height, o.maxInputSide);
    try {
      net.setScoreThreshold(o.scoreThreshold);
      net.setNMSThreshold(o.nmsThreshold);
      net.setTopK(o.topK);
      // A photo several times larger than the first level is first box-averaged by a whole
      // factor in TypeScript (exactly what INTER_AREA does for whole factors), so it never
      // lands on the WASM heap at full size.
      const first = levels[0]!;
      const k = Math.min(
        Math.floor(image.width / first.width),
        Math.floor(image.height / first.height),
      );
      const source = k >= 2 ? shrinkRgba(image, k) : image;
      // Pixel-centre scales from the source to each level; the k·width source columns the
      // shrink covered (a few at the right edge may be dropped) are what level 0 spans.
      const baseWidth = source.width * (k >= 2 ? k : 1);
      const baseHeight = source.height * (k >= 2 ? k : 1);
      const rgba = rgbaToMat(cv, scope, source);
      let previous = rgba;
      for (const [i, level] of levels.entries()) {
        const bgr = scope.track(new cv.Mat());
        const size = new cv.Size(level.width, level.height);
        if (i === 0) {
          let src = rgba;
          if (level.width !== source.width || level.height !== source.height) {
            // Resized before the colour conversion, which then runs on the small image only.
            src = scope.track(new cv.Mat());
            const shrink = level.width < source.width;
            cv.resize(rgba, src, size, 0, 0, shrink ? cv.INTER_AREA : cv.INTER_LINEAR);
          }
          cv.cvtColor(src, bgr, cv.COLOR_RGBA2BGR);
        } else {
          cv.resize(previous, bgr, size, 0, 0, cv.INTER_AREA);
        }
        previous = bgr;
        const faces = scope.track(new cv.Mat());
        net.setInputSize(size);
        net.detect(bgr, faces);
        candidates.push(...decode(faces, level.width / baseWidth, level.height / baseHeight));
      }
    } catch (e) {
      throw openCVError(cv, e, "YunetDetector.detect");
    }
    if (levels.length > 1) candidates = suppressOverlaps(candidates, o.nmsThreshold, o.topK);
    const out: DetectedFace[] = [];
    for (const c of candidates) {
      if (Math.min(c.box.width, c.box.height) < o.minFaceSize) continue;
      const box = clip(c.box, image.width, image.height);
      if (box) out.push({ box, score: c.score, landmarks: c.landmarks });
    }
    return out.sort((a, b) =>
      b.box.width * b.box.height - a.box.width * a.box.height || a.box.y - b.box.y ||
      a.box.x - b.box.x
    );
  }

  /** Frees the model. Safe to call twice. */
  [Symbol.dispose](): void {
    this.#net?.delete();
    this.#net = undefined;
  }
}

/**
 * Reads FaceDetectorYN's rows, mapping level coordinates back to the source. Points use the
 * inverse of cv.resize's own mapping (pixel centres: `src = (dst + 0.5) / scale - 0.5`), so a
 * landmark lands on the same spot of the face at every level.
 */
function decode(faces: Mat, sx: number, sy: number): Candidate[] {
  const out: Candidate[] = [];
  if (faces.rows === 0) return out;
  if (faces.cols !== ROW) {
    throw new Error(`expected FaceDetectorYN rows of ${ROW} values, got ${faces.cols}`);
  }
  const f = faces.data32F;
  const px = (v: number) => (v + 0.5) / sx - 0.5;
  const py = (v: number) => (v + 0.5) / sy - 0.5;
  for (let r = 0; r < faces.rows; r++) {
    const o = r * ROW;
    const point = (k: number): Point => ({ x: px(f[o + 4 + 2 * k]!), y: py(f[o + 5 + 2 * k]!) });
    out.push({
      box: { x: px(f[o]!), y: py(f[o + 1]!), width: f[o + 2]! / sx, height: f[o + 3]! / sy },
      landmarks: [point(0), point(1), point(2), point(3), point(4)],
      score: f[o + 14]!,
    });
  }
  return out;
}

/** Rounds a float box to whole pixels inside the image; undefined when nothing is left. */
function clip(box: Box, width: number, height: number): Box | undefined {
  const x0 = Math.max(0, Math.round(box.x)), y0 = Math.max(0, Math.round(box.y));
  const x1 = Math.min(width, Math.round(box.x + box.width));
  const y1 = Math.min(height, Math.round(box.y + box.height));
  return x1 > x0 && y1 > y0 ? { x: x0, y: y0, width: x1 - x0, height: y1 - y0 } : undefined;
}
