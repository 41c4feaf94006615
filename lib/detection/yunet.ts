/**
 * YuNet face detection (Wu, Peng, Yu, "YuNet: A Tiny Millisecond-level Face Detector",
 * Machine Intelligence Research 20, 2023; model from the OpenCV Zoo, MIT licence, see
 * wasm/LICENSE-yunet.md) through opencv-js's `cv.FaceDetectorYN`. Each face comes with a
 * box, a confidence and five landmarks.
 *
 * Large photos are detected at a bounded size and the results mapped back, so a 6000x4000
 * photo costs about what a 1280-pixel one does; small ones (tight crops) are detected with
 * a border around them, because YuNet misses a face that fills its whole input.
 *
 * @module
 */
import { type CV, loadOpenCV, mountAsset, openCVError } from "../../wasm/opencv.ts";
import { rgbaToMat } from "../imaging/_mat.ts";
import type { Box, RgbaImage } from "../imaging/image.ts";
import { MatScope } from "../imaging/mat_scope.ts";
import type { DetectedFace, Landmarks } from "./face.ts";

/** The model shipped in wasm/. */
export const YUNET_MODEL = "face_detection_yunet_2026may.onnx";

/** Tuning knobs of {@link YunetDetector.detect}. */
export interface YunetOptions {
  /** Smallest confidence kept, in [0, 1]. */
  readonly scoreThreshold?: number;
  /** Boxes overlapping a stronger one by more than this IoU are dropped, in [0, 1]. */
  readonly nmsThreshold?: number;
  /** Smallest face side kept, in source pixels. */
  readonly minFaceSize?: number;
  /** Photos whose longer side exceeds this are detected downscaled to it. */
  readonly maxInputSide?: number;
  /** Most faces considered before NMS. */
  readonly topK?: number;
}

/**
 * The defaults: 0.6 found every face of lfw10, ORL and the annotated photos here, and none in
 * the no-face photos; 1280 px keeps faces of 20 px in a 6000 px photo detectable (YuNet finds
 * faces from about 10 px of its input).
 */
export const DEFAULT_YUNET_OPTIONS: Readonly<Required<YunetOptions>> = Object.freeze({
  scoreThreshold: 0.6,
  nmsThreshold: 0.3,
  minFaceSize: 20,
  maxInputSide: 1280,
  topK: 5000,
});

/** Images smaller than this on their longer side get a border before detection. */
const SMALL_SIDE = 200;

function resolve(options: YunetOptions): Required<YunetOptions> {
  const o = { ...DEFAULT_YUNET_OPTIONS, ...options };
  for (const key of ["scoreThreshold", "nmsThreshold"] as const) {
    if (!(o[key] >= 0 && o[key] <= 1)) {
      throw new RangeError(`${key}: expected a number from 0 to 1, got ${o[key]}`);
    }
  }
  for (const key of ["minFaceSize", "maxInputSide", "topK"] as const) {
    if (!(Number.isInteger(o[key]) && o[key] >= 1)) {
      throw new RangeError(`${key}: expected a positive integer, got ${o[key]}`);
    }
  }
  return o;
}

type Detector = {
  setInputSize(size: unknown): void;
  setScoreThreshold(t: number): void;
  setNMSThreshold(t: number): void;
  setTopK(k: number): void;
  detect(image: unknown, faces: unknown): void;
  delete(): void;
};

/**
 * A loaded YuNet model. Create one per worker and reuse it.
 *
 * @example
 * ```ts ignore
 * using detector = await YunetDetector.create();
 * const faces = detector.detect(decodeImage(bytes)); // largest first
 * ```
 */
export class YunetDetector implements Disposable {
  #cv: CV;
  #net: Detector | undefined;

  private constructor(cv: CV, net: Detector) {
    this.#cv = cv;
    this.#net = net;
  }

  /** Loads the model shipped in wasm/. */
  static async create(): Promise<YunetDetector> {
    const { cv } = await loadOpenCV();
    const path = await mountAsset(cv, YUNET_MODEL);
    const Ctor = (cv as unknown as { FaceDetectorYN: new (...args: unknown[]) => Detector })
      .FaceDetectorYN;
    try {
      const d = DEFAULT_YUNET_OPTIONS;
      const net = new Ctor(
        path,
        "",
        new cv.Size(320, 320),
        d.scoreThreshold,
        d.nmsThreshold,
        d.topK,
        0,
        0,
      );
      return new YunetDetector(cv, net);
    } catch (e) {
      throw openCVError(cv, e, `loading ${YUNET_MODEL}`);
    }
  }

  /**
   * Faces in an RGBA image, in its pixels, largest first (ties: top to bottom, then left to
   * right). Boxes are integers clipped to the image; landmarks are sub-pixel.
   */
  detect(image: RgbaImage, options: YunetOptions = {}): DetectedFace[] {
    const net = this.#net;
    if (!net) throw new Error("YunetDetector.detect() after dispose: expected a live detector");
    const o = resolve(options);
    const cv = this.#cv;
    const { width, height } = image;
    const longer = Math.max(width, height);
    const scale = longer > o.maxInputSide ? o.maxInputSide / longer : 1;
    const w = Math.max(1, Math.round(width * scale)), h = Math.max(1, Math.round(height * scale));
    const pad = Math.max(w, h) < SMALL_SIDE ? Math.round(Math.max(w, h) * 0.5) : 0;
    using scope = new MatScope();
    let rows: Float32Array;
    try {
      const rgba = rgbaToMat(cv, scope, image);
      let bgr = scope.track(new cv.Mat());
      cv.cvtColor(rgba, bgr, cv.COLOR_RGBA2BGR);
      if (scale !== 1) {
        const small = scope.track(new cv.Mat());
        cv.resize(bgr, small, new cv.Size(w, h), 0, 0, cv.INTER_AREA);
        bgr = small;
      }
      if (pad > 0) {
        const framed = scope.track(new cv.Mat());
        cv.copyMakeBorder(
          bgr,
          framed,
          pad,
          pad,
          pad,
          pad,
          cv.BORDER_CONSTANT,
          new cv.Scalar(0, 0, 0, 0),
        );
        bgr = framed;
      }
      net.setInputSize(new cv.Size(bgr.cols, bgr.rows));
      net.setScoreThreshold(o.scoreThreshold);
      net.setNMSThreshold(o.nmsThreshold);
      net.setTopK(o.topK);
      const out = scope.track(new cv.Mat());
      net.detect(bgr, out);
      rows = out.rows > 0 ? new Float32Array(out.data32F) : new Float32Array(0);
    } catch (e) {
      if (e instanceof RangeError) throw e;
      throw openCVError(cv, e, "YunetDetector.detect");
    }
    const back = (v: number) => (v - pad) / scale;
    const faces: DetectedFace[] = [];
    for (let i = 0; i + 15 <= rows.length; i += 15) {
      const r = rows.subarray(i, i + 15);
      const x0 = back(r[0]!), y0 = back(r[1]!);
      const x1 = back(r[0]! + r[2]!), y1 = back(r[1]! + r[3]!);
      const box = clip(x0, y0, x1, y1, width, height);
      if (!box || Math.min(x1 - x0, y1 - y0) < o.minFaceSize) continue;
      const point = (k: number) => ({ x: back(r[4 + 2 * k]!), y: back(r[5 + 2 * k]!) });
      const landmarks: Landmarks = [point(0), point(1), point(2), point(3), point(4)];
      faces.push({ box, score: r[14]!, landmarks });
    }
    return faces.sort((a, b) =>
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

function clip(
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  w: number,
  h: number,
): Box | undefined {
  const left = Math.max(0, Math.round(x0)), top = Math.max(0, Math.round(y0));
  const right = Math.min(w, Math.round(x1)), bottom = Math.min(h, Math.round(y1));
  if (right - left < 1 || bottom - top < 1) return undefined;
  return { x: left, y: top, width: right - left, height: bottom - top };
}
