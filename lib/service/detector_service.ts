/**
 * The detector: decodes the user's images, finds faces, and forwards normalised crops to
 * the recognizer. Images without a face go straight back to the user; for enrollment an
 * image must hold exactly one face.
 * @module
 */
import { normalizeName } from "../gallery/mod.ts";
import { FACE_HEIGHT, FACE_WIDTH } from "../imaging/image.ts";
import type {
  ClientEnrollRequest,
  ClientIdentifyRequest,
  ClientVerifyRequest,
  EnrollResponse,
  IdentifyResponse,
  ImageReport,
  RecognizerRequest,
  Request,
  Response,
  WireFace,
  WireLandmarks,
} from "../protocol/messages.ts";
import type { AnalyzeJob, AnalyzeResult, AnalyzeResults, DetectConfig } from "./detect_worker.ts";
import { ServiceError, statusOf } from "./errors.ts";
import { clientRequest } from "./hop_requests.ts";
import type { ServiceLimits } from "./limits.ts";
import type { Logger } from "./log.ts";
import { callService, type Endpoint, UpstreamPool } from "../transport/mod.ts";
import { WorkerPool } from "./worker_pool.ts";

/** Options of {@link DetectorService.start}. */
export interface DetectorServiceOptions {
  recognizer: Endpoint;
  /** Token to present to the recognizer, if it requires one. */
  recognizerToken?: string;
  workers: number;
  /** Which face detector the workers run, and its options. */
  detection: DetectConfig;
  limits: ServiceLimits;
  log: Logger;
}

const WORKER_URL = new URL("./detect_worker.ts", import.meta.url);

/** The ops sent on a connection of their own, never resent. */
const CHANGES_GALLERY: ReadonlySet<Request["op"]> = new Set([
  "enroll",
  "forget",
  "rename",
  "forgetFace",
]);

/** See the module documentation. Supports `await using`. */
export class DetectorService implements AsyncDisposable {
  readonly #pool: WorkerPool<AnalyzeJob, AnalyzeResults>;
  readonly #options: DetectorServiceOptions;
  readonly #upstream: UpstreamPool;

  private constructor(
    pool: WorkerPool<AnalyzeJob, AnalyzeResults>,
    options: DetectorServiceOptions,
  ) {
    this.#pool = pool;
    this.#options = options;
    this.#upstream = new UpstreamPool(options.recognizer);
  }

  /** Starts the decoding/detection workers. */
  static async start(options: DetectorServiceOptions): Promise<DetectorService> {
    const pool = await WorkerPool.start<AnalyzeJob, AnalyzeResults>(WORKER_URL, {
      size: options.workers,
      name: "detection",
      init: options.detection,
    });
    const service = new DetectorService(pool, options);
    await service.#probeRecognizer();
    return service;
  }

  /** Warns at start when the recognizer cannot be reached (the detector still starts). */
  async #probeRecognizer(): Promise<void> {
    const { recognizer, log } = this.#options;
    try {
      const reply = await this.#upstream.call(
        { op: "stats", token: this.#options.recognizerToken },
        {
          maxFrameBytes: this.#options.limits.maxFrameBytes,
          peerName: "recognizer",
          timeoutMs: 5000,
        },
      );
      if (reply.status !== "ok") {
        log.warn("recognizer refused a stats probe", {
          recognizer: `${recognizer.hostname}:${recognizer.port}`,
          status: reply.status,
          message: "message" in reply ? reply.message : "",
        });
      }
    } catch (error) {
      log.warn("recognizer is unreachable; requests will answer unavailable until it is up", {
        recognizer: `${recognizer.hostname}:${recognizer.port}`,
        error,
      });
    }
  }

  /** Answers one request. */
  handle = async (request: Request): Promise<Response> => {
    const hop = clientRequest(request);
    switch (hop.op) {
      case "enroll":
        return await this.#enroll(hop);
      case "identify":
        return await this.#identify(hop);
      case "verify":
        return await this.#verify(hop);
      case "rename":
        normalizeName(hop.name);
        normalizeName(hop.newName);
        return await this.#forward(hop);
      case "forget":
      case "faces":
      case "forgetFace":
      case "export":
        normalizeName(hop.name);
        return await this.#forward(hop);
      default:
        return await this.#forward(hop);
    }
  };

  async #forward(request: RecognizerRequest): Promise<Response> {
    try {
      return await this.#send(request);
    } catch (error) {
      const { recognizer } = this.#options;
      this.#options.log.warn("forward to the recognizer failed", {
        op: request.op,
        recognizer: `${recognizer.hostname}:${recognizer.port}`,
        error,
      });
      throw error;
    }
  }

  #send(request: RecognizerRequest): Promise<Response> {
    const { limits } = this.#options;
    // The client's own token goes on, so that the recognizer checks its role too; the
    // detector's token stands in for a client that sent none.
    const call = { ...request, token: request.token ?? this.#options.recognizerToken };
    const options = { maxFrameBytes: limits.maxFrameBytes, peerName: "recognizer" };
    // The ops that change the gallery (enroll, forget, forgetFace wait for the models to
    // retrain): their own connection, no retry, the long timeout. The others only read and
    // are safe to repeat (docs/PROTOCOL.md §9.1).
    if (CHANGES_GALLERY.has(request.op)) {
      return callService(this.#options.recognizer, call, {
        ...options,
        timeoutMs: limits.upstreamTimeoutMs,
      });
    }
    return this.#upstream.call(call, { ...options, timeoutMs: limits.queryTimeoutMs });
  }

  #analyze(data: Uint8Array, maxCrops: number, chips: boolean): Promise<AnalyzeResult> {
    const { limits } = this.#options;
    // A copy: `data` is a view into the whole request frame, which would otherwise be
    // cloned into the worker once per image.
    const own = data.slice();
    const job: AnalyzeJob = {
      type: "analyze",
      data: own,
      limits: {
        maxWidth: limits.maxImageSide,
        maxHeight: limits.maxImageSide,
        maxPixels: limits.maxImagePixels,
      },
      maxCrops,
      chips,
    };
    return this.#pool.run(job, [own.buffer]);
  }

  async #enroll(request: ClientEnrollRequest): Promise<Response> {
    const name = normalizeName(request.name);
    const { images } = request;
    const { maxImagesPerRequest } = this.#options.limits;
    if (images.length === 0) throw new ServiceError("badRequest", "enroll: no images given");
    if (images.length > maxImagesPerRequest) {
      throw new ServiceError(
        "tooLarge",
        `enroll: at most ${maxImagesPerRequest} images per request, got ${images.length}`,
      );
    }
    const results = await Promise.allSettled(
      images.map((image) => this.#analyze(image.data, 1, true)),
    );
    const reports: ImageReport[] = [];
    const faces: WireFace[] = [];
    results.forEach((result, index) => {
      if (result.status === "rejected") {
        const status = statusOf(result.reason);
        if (status === "internal") throw result.reason;
        reports.push({ index, outcome: "unreadable", faces: 0, message: result.reason.message });
        return;
      }
      const analysis = result.value;
      const found = analysis.faces.length;
      if (found === 0) {
        reports.push({ index, outcome: "no_face", faces: 0, data: images[index]!.data });
      } else if (found > 1 && !request.largest) {
        reports.push({
          index,
          outcome: "several_faces",
          faces: found,
          message: `found ${found} faces; an enrollment image must show exactly one person ` +
            `(enroll --largest takes the largest face)`,
        });
      } else {
        // Faces come largest first, so with --largest the first one is the one to keep.
        reports.push({
          index,
          outcome: "stored",
          faces: found,
          ...(found > 1
            ? { message: `took the largest of ${found} faces; ignored ${found - 1}` }
            : {}),
        });
        faces.push(wireFace(analysis, 0, index, images[index]!.filename));
      }
    });
    if (faces.length === 0) {
      return {
        op: "enroll",
        status: "ok",
        name,
        stored: 0,
        personFaces: 0,
        images: reports,
        models: [],
      };
    }
    const reply = await this.#forward({
      op: "enroll",
      token: request.token,
      name,
      faces,
      ...(request.wait ? { wait: true } : {}),
    });
    if (reply.status !== "ok" || reply.op !== "enroll") {
      // Nothing was stored: no image may claim "stored".
      return reply;
    }
    // The recognizer reports the faces it did not store again (duplicates) by image.
    const upstream = new Map((reply as EnrollResponse).images.map((r) => [r.index, r]));
    return {
      ...(reply as EnrollResponse),
      images: reports.map((r) => upstream.get(r.index) ?? r),
    };
  }

  async #identify(request: ClientIdentifyRequest): Promise<Response> {
    const { images } = request;
    if (images.length !== 1) {
      throw new ServiceError(
        "badRequest",
        `identify: expected exactly 1 image, got ${images.length}`,
      );
    }
    const image = images[0]!;
    const { maxFacesPerImage } = this.#options.limits;
    const analysis = await this.#analyze(
      image.data,
      maxFacesPerImage,
      request.algorithm === "dnn",
    );
    if (analysis.faces.length === 0) {
      const none: IdentifyResponse = {
        op: "identify",
        status: "ok",
        faces: [],
        imageWidth: analysis.width,
        imageHeight: analysis.height,
        image: image.data,
      };
      return none;
    }
    const faces: WireFace[] = analysis.crops.map((_, i) => wireFace(analysis, i, 0));
    const reply = await this.#forward({
      op: "identify",
      token: request.token,
      algorithm: request.algorithm,
      threshold: request.threshold,
      faces,
    });
    if (reply.status !== "ok" || reply.op !== "identify") return reply;
    return { ...reply, imageWidth: analysis.width, imageHeight: analysis.height };
  }

  /**
   * Verify: the largest face of each photo (two photos, or one and a name) goes on to the
   * recognizer. A photo without a face is answered here, without comparing: its count in
   * `faces` is 0.
   */
  async #verify(request: ClientVerifyRequest): Promise<Response> {
    const { images, name } = request;
    const expected = name === undefined ? 2 : 1;
    if (images.length !== expected) {
      throw new ServiceError(
        "badRequest",
        `verify: expected ${
          name === undefined ? "2 images, or 1 image and a name" : "exactly 1 image with a name"
        }, got ${images.length}`,
      );
    }
    if (name !== undefined) normalizeName(name);
    const analyses = await Promise.all(
      images.map((image) => this.#analyze(image.data, 1, request.algorithm === "dnn")),
    );
    const counts = analyses.map((a) => a.faces.length);
    if (counts.includes(0)) {
      return { op: "verify", status: "ok", algorithm: request.algorithm, faces: counts };
    }
    const reply = await this.#forward({
      op: "verify",
      token: request.token,
      algorithm: request.algorithm,
      ...(request.threshold === undefined ? {} : { threshold: request.threshold }),
      ...(name === undefined ? {} : { name }),
      faces: analyses.map((analysis, i) => wireFace(analysis, 0, i, images[i]!.filename)),
    });
    if (reply.status !== "ok" || reply.op !== "verify") return reply;
    return { ...reply, faces: counts };
  }

  /** Stops the workers and closes idle recognizer connections. Safe to call twice. */
  close(): Promise<void> {
    this.#pool.close();
    this.#upstream[Symbol.dispose]();
    return Promise.resolve();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/** The FACE the recognizer gets for face `i` of an analysed image. */
function wireFace(
  analysis: AnalyzeResult,
  i: number,
  imageIndex: number,
  filename?: string,
): WireFace {
  const found = analysis.faces[i]!;
  const chip = analysis.chips[i];
  return {
    width: FACE_WIDTH,
    height: FACE_HEIGHT,
    pixels: analysis.crops[i]!,
    box: found.box,
    imageIndex,
    ...(chip
      ? { chip: { width: analysis.chipSize, height: analysis.chipSize, pixels: chip } }
      : {}),
    ...(found.landmarks ? { landmarks: [...found.landmarks] as WireLandmarks } : {}),
    ...(found.score === undefined ? {} : { score: found.score }),
    ...(filename === undefined ? {} : { filename }),
  };
}
