/**
 * Worker: decodes one image, finds its faces with the Haar cascade and cuts each into a
 * normalised greyscale crop. Runs in its own isolate with its own OpenCV instance.
 * @module
 */
import { loadOpenCV } from "../../wasm/opencv.ts";
import { HaarDetector } from "../detection/mod.ts";
import { cropAndResize, decodeGray } from "../imaging/mod.ts";
import { type Box, FACE_HEIGHT, FACE_WIDTH } from "../imaging/image.ts";
import { serveWorker, transferable } from "./worker_host.ts";

/** A job for this worker. */
export interface AnalyzeJob {
  type: "analyze";
  data: Uint8Array;
  limits: { maxWidth: number; maxHeight: number; maxPixels: number };
  /** Crops to return at most (faces beyond it are still counted). */
  maxCrops: number;
}

/** What the worker returns: every face box, largest first, and crops of the first ones. */
export interface AnalyzeResult {
  width: number;
  height: number;
  boxes: Box[];
  crops: Uint8Array[];
}

serveWorker(async () => {
  const { cv } = await loadOpenCV();
  const detector = await HaarDetector.create();
  return (raw) => {
    const job = raw as AnalyzeJob;
    const gray = decodeGray(job.data, job.limits);
    const boxes = detector.detect(gray);
    const crops = boxes.slice(0, job.maxCrops).map((box) =>
      cropAndResize(cv, gray, box, FACE_WIDTH, FACE_HEIGHT).data
    );
    const result: AnalyzeResult = { width: gray.width, height: gray.height, boxes, crops };
    return transferable(result, crops.map((c) => c.buffer as ArrayBuffer));
  };
});
