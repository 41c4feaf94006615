/**
 * Worker: decodes one image, finds its faces (YuNet by default, or the Haar cascade) and
 * cuts each into what the recognizer needs: a normalised greyscale crop for the classic
 * algorithms and, when the detector gives landmarks, an aligned colour chip for `dnn`.
 * Runs in its own isolate with its own OpenCV instance.
 * @module
 */
import { loadOpenCV } from "../../wasm/opencv.ts";
import {
  alignChip,
  type DetectedFace,
  HaarDetector,
  type Landmarks,
  YunetDetector,
  type YunetOptions,
} from "../detection/mod.ts";
import {
  clampBox,
  cropAndResize,
  decodeGray,
  decodeImage,
  ImageError,
  toGrayRegion,
} from "../imaging/mod.ts";
import { type Box, FACE_HEIGHT, FACE_WIDTH, type RgbaImage } from "../imaging/image.ts";
import { serveWorker, transferable } from "./worker_host.ts";

/** Face detectors the detector service can run. */
export const FACE_DETECTORS = ["yunet", "haar"] as const;
/** One of {@link FACE_DETECTORS}. */
export type FaceDetectorName = typeof FACE_DETECTORS[number];

/** What each detection worker is started with. */
export interface DetectConfig {
  detector: FaceDetectorName;
  /** YuNet's thresholds and bounded input size (ignored by Haar). */
  yunet: YunetOptions;
}

/** A job for this worker. */
export interface AnalyzeJob {
  type: "analyze";
  data: Uint8Array;
  limits: { maxWidth: number; maxHeight: number; maxPixels: number };
  /** Crops to return at most (faces beyond it are still counted). */
  maxCrops: number;
  /** Whether to cut aligned colour chips too (for faces with landmarks). */
  chips: boolean;
}

/** One face the worker found, with its cut-outs when it is among the first `maxCrops`. */
export interface AnalyzedFace {
  box: Box;
  score?: number;
  landmarks?: Landmarks;
}

/** What the worker returns: every face, largest first, and cut-outs of the first ones. */
export interface AnalyzeResult {
  width: number;
  height: number;
  faces: AnalyzedFace[];
  /** Grey `FACE_WIDTH x FACE_HEIGHT` crops of the first faces. */
  crops: Uint8Array[];
  /** `CHIP_SIZE`² RGB chips of the first faces, where they have landmarks and were asked for. */
  chips: (Uint8Array | undefined)[];
  /** Side of the chips. */
  chipSize: number;
}

/** What each job of this worker returns, by its `type`. */
export interface AnalyzeResults {
  analyze: AnalyzeResult;
}

/** The side of the aligned chips the `dnn` descriptor takes. */
export const CHIP_SIZE = 150;

// An image that cannot be decoded is the client's: it crosses as an input error.
serveWorker<AnalyzeJob, AnalyzeResults, DetectConfig>(async (config) => {
  const { cv } = await loadOpenCV();
  const haar = config.detector === "haar" ? await HaarDetector.create() : undefined;
  const yunet = config.detector === "yunet" ? await YunetDetector.create() : undefined;
  return (job) => {
    let faces: DetectedFace[];
    let crop: (box: Box) => Uint8Array;
    let size: { width: number; height: number };
    let rgba: RgbaImage | undefined;
    if (haar) {
      // The parity path: the same grey as cv2.imread, the native tool's cascade.
      const gray = decodeGray(job.data, job.limits);
      faces = haar.detect(gray).map((box) => ({ box }));
      crop = (box) => cropAndResize(cv, gray, box, FACE_WIDTH, FACE_HEIGHT).data;
      size = gray;
    } else {
      const image = rgba = decodeImage(job.data, job.limits);
      faces = yunet!.detect(image, config.yunet);
      // Grey only where a face is, the same pixels as a crop of toGray(image): a big photo's
      // full grey copy would cost as much again as the photo, and its trip to the WASM heap.
      crop = (box) => {
        const b = clampBox(box, image.width, image.height);
        const region = toGrayRegion(image, b);
        const whole = { x: 0, y: 0, width: b.width, height: b.height };
        return cropAndResize(cv, region, whole, FACE_WIDTH, FACE_HEIGHT).data;
      };
      size = image;
    }
    const first = faces.slice(0, job.maxCrops);
    const crops = first.map((f) => crop(f.box));
    const chips = first.map((f) =>
      job.chips && rgba && f.landmarks
        ? alignChip(cv, rgba, f.landmarks, CHIP_SIZE).data
        : undefined
    );
    const result: AnalyzeResult = {
      width: size.width,
      height: size.height,
      faces: faces.map((f) => ({
        box: f.box,
        ...(f.score === undefined ? {} : { score: f.score }),
        ...(f.landmarks === undefined ? {} : { landmarks: f.landmarks }),
      })),
      crops,
      chips,
      chipSize: CHIP_SIZE,
    };
    const buffers = [...crops, ...chips.filter((c) => c !== undefined)].map((c) =>
      c.buffer as ArrayBuffer
    );
    return transferable(result, buffers);
  };
}, { inputErrors: [ImageError] });
