/**
 * A worker that imports what lib/service/recognition_worker.ts imports, except that the
 * image codecs come from lib/imaging/decode.ts and encode.ts instead of lib/imaging/mod.ts
 * (whose crop and annotate modules pull in OpenCV-WASM). It serves no jobs: the memory
 * probe (scripts/bench_memory_probe.ts) starts it to measure what a recognition isolate
 * would cost without OpenCV.
 * @module
 */
import { createRecognizer, loadRecognizer } from "../../lib/recognition/mod.ts";
import { Gallery } from "../../lib/gallery/mod.ts";
import { decodeImage } from "../../lib/imaging/decode.ts";
import { encodeRgbPng, rgbaToRgb } from "../../lib/imaging/encode.ts";
import { serveWorker } from "../../lib/service/worker_host.ts";

const used = [createRecognizer, loadRecognizer, Gallery, decodeImage, encodeRgbPng, rgbaToRgb];
serveWorker(() => Promise.resolve(() => used.length));
