/**
 * Worker: holds the recognition models of this isolate and runs training, incremental
 * updates and predictions on them. Models arrive and leave as model-file bytes, so the
 * main thread never touches a recognizer.
 * @module
 */
import {
  type Algorithm,
  type Candidate,
  createRecognizer,
  type FaceImage,
  loadRecognizer,
  type Recognizer,
} from "../recognition/mod.ts";
import { serveWorker, transferable } from "./worker_host.ts";

/** A face as sent to this worker. */
interface FaceJob {
  label?: number;
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** Jobs this worker understands. */
export type RecognitionJob =
  | { type: "train"; algorithm: Algorithm; faces: FaceJob[] }
  | { type: "update"; algorithm: Algorithm; bytes: Uint8Array; faces: FaceJob[] }
  | { type: "load"; algorithm: Algorithm; bytes: Uint8Array }
  | { type: "drop"; algorithm: Algorithm }
  | { type: "predict"; algorithm: Algorithm; faces: FaceJob[]; limit: number };

const image = (f: FaceJob): FaceImage => ({ width: f.width, height: f.height, data: f.pixels });

serveWorker(() => {
  const models = new Map<Algorithm, Recognizer>();
  const trained = (model: Recognizer) => {
    const bytes = model.save();
    return transferable({ bytes, faces: model.sampleCount }, [bytes.buffer as ArrayBuffer]);
  };
  return Promise.resolve((raw: unknown) => {
    const job = raw as RecognitionJob;
    switch (job.type) {
      case "train": {
        const model = createRecognizer(job.algorithm);
        model.train(job.faces.map(image), job.faces.map((f) => f.label ?? -1));
        return trained(model);
      }
      case "update": {
        const model = loadRecognizer(job.bytes);
        model.update(job.faces.map(image), job.faces.map((f) => f.label ?? -1));
        return trained(model);
      }
      case "load":
        models.set(job.algorithm, loadRecognizer(job.bytes));
        return true;
      case "drop":
        models.delete(job.algorithm);
        return true;
      case "predict": {
        const model = models.get(job.algorithm);
        if (!model) throw new Error(`no ${job.algorithm} model is loaded`);
        const ranked: Candidate[][] = job.faces.map((f) => model.predict(image(f), job.limit));
        return ranked;
      }
    }
  });
});
