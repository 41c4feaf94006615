/**
 * The recognizer: stores enrolled face crops in the gallery, keeps the models trained
 * (through {@link ModelManager}) and answers identify, list, forget and stats.
 * It never sees encoded images; the detector sends it normalised crops.
 * @module
 */
import {
  DirLock,
  GalleryError,
  type GalleryStore,
  normalizeName,
  PostgresGallery,
  redactUrl,
  SqliteGallery,
} from "../gallery/mod.ts";
import { FACE_HEIGHT, FACE_WIDTH } from "../imaging/image.ts";
import type {
  EnrollResponse,
  ExportedFace,
  ExportResponse,
  FaceInfo,
  FacesResponse,
  ForgetFaceResponse,
  ForgetResponse,
  IdentifiedFace,
  IdentifyResponse,
  ImageReport,
  RecognizerEnrollRequest,
  RecognizerIdentifyRequest,
  RecognizerVerifyRequest,
  Request,
  Response,
  WireFace,
} from "../protocol/messages.ts";
import { applyThreshold, defaultThreshold } from "../recognition/mod.ts";
import { CHIP_SIZE, DESCRIPTOR_MODEL } from "../recognition/face_descriptor.ts";
import { DnnModel } from "./dnn_model.ts";
import { ModelNotReadyError, ServiceError } from "./errors.ts";
import { recognizerRequest } from "./hop_requests.ts";
import type { ServiceLimits } from "./limits.ts";
import type { Logger } from "./log.ts";
import { ModelManager } from "./model_manager.ts";
import { ReplicaSync } from "./replica_sync.ts";
import type { ClassicAlgorithm } from "../core/algorithms.ts";
import type { RecognitionJob, RecognitionPool, RecognitionResults } from "./recognition_worker.ts";
import { VERSION } from "./version.ts";
import { verifyFaces, type VerifyParts } from "./verify.ts";
import { encodeGrayPng } from "../imaging/encode.ts";
import type { FaceRecord } from "../gallery/mod.ts";
import { WorkerPool } from "./worker_pool.ts";

/** Options of {@link RecognizerService.start}. */
export interface RecognizerServiceOptions {
  /** Directory holding `gallery.db` (created if missing): the default, SQLite gallery. */
  dataDir?: string;
  /**
   * A `postgres://USER[:PASS]@HOST:PORT/DB` URL instead: a gallery several recognizers
   * share. Exactly one of `dataDir` and `gallery` is given.
   */
  gallery?: string;
  /** How long to keep trying to reach the `gallery` database at start (default 30 s). */
  galleryWaitMs?: number;
  /** How often a shared gallery's generation is checked, besides NOTIFY (default 5 s). */
  syncIntervalMs?: number;
  /**
   * How long enrolling pauses before the LBPH model is stored again (default 10 s; see
   * model_manager.ts). Acknowledged faces never depend on it: a restart re-adds them.
   */
  snapshotIdleMs?: number;
  /** Prediction workers. Training has one more, of its own. */
  workers: number;
  limits: ServiceLimits;
  log: Logger;
}

const WORKER_URL = new URL("./recognition_worker.ts", import.meta.url);
/** How long close() waits for a resync or a training run before it stops the workers. */
const CLOSE_WAIT_MS = 5000;

/**
 * Most faces a faces or export reply lists: a body holds at most 1,024 fields
 * (docs/PROTOCOL.md §7), and the reply's TOTAL says how many there are in all.
 */
export const MAX_LISTED_FACES = 1000;
/** Most PNG bytes an export reply carries, well under the 64 MiB frame cap. */
export const MAX_EXPORT_BYTES = 32 * 2 ** 20;

/** See the module documentation. Supports `await using`. */
export class RecognizerService implements AsyncDisposable {
  readonly #gallery: GalleryStore;
  readonly #models: ModelManager;
  readonly #dnn: DnnModel;
  readonly #pools: RecognitionPool[];
  /** What verify reads, its comparisons running on the prediction workers. */
  readonly #verifyParts: VerifyParts;
  readonly #limits: ServiceLimits;
  readonly #lock: DirLock | undefined;
  #sync: ReplicaSync | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #closed = false;
  /**
   * Person id -> name, kept here: identify never reads the gallery, so that it answers
   * from memory alone (and on, when a shared database is away). Re-read after each change.
   */
  #names = new Map<number, string>();

  private constructor(
    lock: DirLock | undefined,
    gallery: GalleryStore,
    models: ModelManager,
    dnn: DnnModel,
    pools: RecognitionPool[],
    predictors: RecognitionPool,
    limits: ServiceLimits,
  ) {
    this.#lock = lock;
    this.#gallery = gallery;
    this.#models = models;
    this.#dnn = dnn;
    this.#pools = pools;
    this.#verifyParts = { gallery, dnn, models, predictors };
    this.#limits = limits;
  }

  /** Opens the gallery, starts the workers and loads the stored models. */
  static async start(options: RecognizerServiceOptions): Promise<RecognizerService> {
    if ((options.dataDir === undefined) === (options.gallery === undefined)) {
      throw new TypeError("RecognizerService: expected exactly one of dataDir and gallery");
    }
    let lock: DirLock | undefined;
    let gallery: GalleryStore;
    if (options.gallery !== undefined) {
      gallery = await connectShared(options.gallery, options.galleryWaitMs ?? 30_000, options.log);
    } else {
      const dataDir = options.dataDir!;
      await Deno.mkdir(dataDir, { recursive: true });
      lock = DirLock.acquire(dataDir);
      try {
        gallery = SqliteGallery.open(`${dataDir}/gallery.db`);
      } catch (error) {
        lock.release();
        throw error;
      }
    }
    const pools: RecognitionPool[] = [];
    const start = (size: number, name: string) =>
      WorkerPool.start<RecognitionJob, RecognitionResults>(WORKER_URL, { size, name });
    try {
      const [batch, incremental, predictors] = await Promise.all([
        start(1, "trainer"),
        start(1, "updater"),
        start(options.workers, "recognition"),
      ]);
      pools.push(batch, incremental, predictors);
      const models = new ModelManager(gallery, { batch, incremental }, predictors, options.log, {
        snapshotIdleMs: options.snapshotIdleMs,
      });
      models.setLeader(await gallery.tryLead());
      const dnn = new DnnModel(gallery, predictors, options.log);
      await Promise.all([models.start(), dnn.start()]);
      const service = new RecognizerService(
        lock,
        gallery,
        models,
        dnn,
        pools,
        predictors,
        options.limits,
      );
      const generation = await gallery.generation();
      await service.#readNames();
      if (gallery.shared) {
        service.#sync = new ReplicaSync(
          gallery,
          models,
          dnn,
          {
            exclusive: (body) => service.#exclusive(body),
            setNames: (names) => service.#names = names,
          },
          options.log,
          { intervalMs: options.syncIntervalMs },
        );
        await service.#sync.start(generation);
        // Changes committed while this replica was loading.
        service.#sync.request();
      }
      return service;
    } catch (error) {
      for (const pool of pools) pool.close();
      await gallery.close();
      lock?.release();
      throw error;
    }
  }

  /** Answers one request. */
  handle = async (request: Request): Promise<Response> => {
    const hop = recognizerRequest(request);
    switch (hop.op) {
      case "enroll":
        return await this.#enroll(hop);
      case "identify":
        return await this.#identify(hop);
      case "list":
        return { op: "list", status: "ok", people: await this.#gallery.listPeople() };
      case "forget":
        return await this.#forget(hop.name);
      case "verify":
        this.#checkFaces(hop);
        return await verifyFaces(this.#verifyParts, hop);
      case "rename": {
        const renamed = await this.#exclusive(async () => {
          const renamed = await this.#gallery.rename(hop.name, hop.newName);
          this.#names.set(renamed.personId, renamed.name);
          return renamed;
        });
        return { op: "rename", status: "ok", name: renamed.oldName, newName: renamed.name };
      }
      case "faces":
        return await this.#faces(hop.name);
      case "forgetFace":
        return await this.#forgetFace(hop.name, hop.faceId);
      case "export":
        return await this.#export(hop.name);
      case "stats": {
        const counts = await this.#gallery.counts();
        return {
          op: "stats",
          status: "ok",
          version: VERSION,
          people: counts.people,
          faces: counts.faces,
          models: this.#states(),
        };
      }
    }
  };

  /** Every model's state: dnn first, then the classic three. */
  #states() {
    return [this.#dnn.state(), ...this.#models.states()];
  }

  #checkFaces(
    request: RecognizerEnrollRequest | RecognizerIdentifyRequest | RecognizerVerifyRequest,
  ): WireFace[] {
    const { op, faces } = request;
    if (faces.length > this.#limits.maxImagesPerRequest * this.#limits.maxFacesPerImage) {
      throw new ServiceError("tooLarge", `${op}: too many faces (${faces.length})`);
    }
    for (const [i, face] of faces.entries()) {
      if (face.width !== FACE_WIDTH || face.height !== FACE_HEIGHT) {
        throw new ServiceError(
          "badRequest",
          `${op}: face ${i} must be ${FACE_WIDTH}x${FACE_HEIGHT}, got ${face.width}x${face.height}`,
        );
      }
      const chip = face.chip;
      if (chip && (chip.width !== CHIP_SIZE || chip.height !== CHIP_SIZE)) {
        throw new ServiceError(
          "badRequest",
          `${op}: face ${i}'s chip must be ${CHIP_SIZE}x${CHIP_SIZE}, got ${chip.width}x${chip.height}`,
        );
      }
    }
    return faces;
  }

  async #enroll(request: RecognizerEnrollRequest): Promise<EnrollResponse> {
    const faces = this.#checkFaces(request);
    if (faces.length === 0) throw new ServiceError("badRequest", "enroll: no faces to store");
    normalizeName(request.name); // refuse a bad name before the network runs
    // Descriptors first (in a worker), so that the faces are stored with them in one commit.
    const withChips = faces.flatMap((f, i) => f.chip ? [i] : []);
    const embedded = withChips.length === 0
      ? { vectors: [], pngs: [] }
      : await this.#dnn.embed(withChips.map((i) => faces[i]!.chip!), true);
    const stored = await this.#exclusive(() =>
      this.#store(request.name, faces, withChips, embedded)
    );
    // Acknowledged once durable and in the incremental models (dnn above, LBPH here);
    // Eigenfaces and Fisherfaces retrain in the background and say "training" meanwhile.
    await (request.wait
      ? this.#models.trained(stored.generation)
      : this.#models.updated(stored.generation));
    // Faces the person already had: the detector turns these into the images' outcomes.
    const images: ImageReport[] = faces.flatMap((f, i) =>
      stored.ids[i] === null
        ? [{
          index: f.imageIndex,
          outcome: "duplicate" as const,
          faces: 1,
          message: `${stored.name} already has this exact face; not stored again`,
        }]
        : []
    );
    return {
      op: "enroll",
      status: "ok",
      name: stored.name,
      stored: stored.stored,
      personFaces: stored.personFaces,
      images,
      models: this.#states(),
    };
  }

  /**
   * Stores an enrollment's faces and puts their descriptors in the dnn index and the name
   * in the name map: one step, so that a resync with other replicas never runs in between.
   */
  async #store(
    name: string,
    faces: readonly WireFace[],
    withChips: readonly number[],
    embedded: { vectors: Float32Array[]; pngs: Uint8Array[] },
  ) {
    const extra = new Map(withChips.map((face, k) => [face, k]));
    const stored = await this.#gallery.addFaces(
      name,
      faces.map((f, i) => {
        const k = extra.get(i);
        return {
          width: f.width,
          height: f.height,
          pixels: f.pixels,
          ...(k === undefined ? {} : {
            chipPng: embedded.pngs[k]!,
            embedding: { model: DESCRIPTOR_MODEL, vector: embedded.vectors[k]! },
          }),
          ...(f.score === undefined ? {} : { score: f.score }),
          ...(f.landmarks ? { landmarks: f.landmarks.flatMap((p) => [p.x, p.y]) } : {}),
          ...(f.filename === undefined ? {} : { source: f.filename }),
        };
      }),
    );
    if (stored.stored > 0) this.#sync?.wrote(stored.generation);
    this.#names.set(stored.personId, stored.name);
    const fresh = withChips.filter((i) => stored.ids[i] != null);
    const storedWithoutChip = faces.filter((f, i) => !f.chip && stored.ids[i] != null).length;
    this.#dnn.added(
      fresh.map((i) => stored.ids[i]!),
      stored.personId,
      fresh.map((i) => embedded.vectors[extra.get(i)!]!),
      storedWithoutChip,
    );
    return stored;
  }

  async #identify(request: RecognizerIdentifyRequest): Promise<IdentifyResponse> {
    const faces = this.#checkFaces(request);
    if (request.threshold !== undefined && !(request.threshold >= 0)) {
      throw new ServiceError(
        "badRequest",
        `threshold: expected a number >= 0, got ${request.threshold}`,
      );
    }
    const predicted = faces.length === 0
      ? { ranked: [], threshold: null }
      : request.algorithm === "dnn"
      ? { ranked: await this.#predictDnn(faces), threshold: null }
      : await this.#models.predict(request.algorithm as ClassicAlgorithm, faces);
    const { ranked } = predicted;
    // The request's own threshold wins; then the one calibrated on this gallery (Fisher);
    // then the default, which for dnn depends on whether the photo is in colour
    // (docs/RECOGNITION.md).
    const thresholdOf = (face: WireFace) =>
      request.threshold ?? predicted.threshold ?? defaultThreshold(
        request.algorithm,
        face.chip &&
          { width: face.chip.width, height: face.chip.height, data: face.chip.pixels, channels: 3 },
      );
    const names = this.#names;
    const answers: IdentifiedFace[] = faces.map((face, i) => {
      const threshold = thresholdOf(face);
      // Labels of people forgotten since the served model was trained are skipped.
      const candidates = (ranked[i] ?? []).flatMap((c) => {
        const name = names.get(c.label);
        return name === undefined ? [] : [{ name, distance: c.distance }];
      });
      const best = candidates[0];
      const named = applyThreshold(candidates, threshold)[0];
      return {
        box: face.box,
        ...(face.score === undefined ? {} : { score: face.score }),
        ...(face.landmarks ? { landmarks: face.landmarks } : {}),
        name: named?.name ?? null,
        // Absent when nobody is left to compare with (the codec says so on the wire).
        ...(best ? { distance: best.distance } : {}),
        algorithm: request.algorithm,
        threshold,
        candidates,
      };
    });
    return { op: "identify", status: "ok", faces: answers, imageWidth: 0, imageHeight: 0 };
  }

  #predictDnn(faces: readonly WireFace[]) {
    const missing = faces.findIndex((f) => !f.chip);
    if (missing >= 0) {
      throw new ServiceError(
        "badRequest",
        `identify: dnn needs an aligned chip for every face, and face ${missing} has none ` +
          `(the Haar detector gives no landmarks: run the detector with --face-detector yunet, ` +
          `or choose eigen, fisher or lbph)`,
      );
    }
    if (this.#dnn.size === 0) {
      throw new ModelNotReadyError(this.#dnn.state().message ?? "dnn has no faces");
    }
    return this.#dnn.predict(faces.map((f) => f.chip!));
  }

  async #forget(name: string): Promise<ForgetResponse> {
    const removed = await this.#exclusive(async () => {
      const removed = await this.#gallery.forget(name);
      this.#sync?.wrote(removed.generation);
      this.#names.delete(removed.personId);
      this.#dnn.forgotten(removed.personId);
      return removed;
    });
    // Unlike an enroll, a forget replies once every model has dropped the person's faces:
    // "forgotten" should mean gone from the models too, not only unnamed.
    await this.#models.trained(removed.generation);
    return {
      op: "forget",
      status: "ok",
      name: removed.name,
      removedFaces: removed.removedFaces,
      models: this.#states(),
    };
  }

  async #faces(name: string): Promise<FacesResponse> {
    const listed = await this.#gallery.personFaces(name);
    return {
      op: "faces",
      status: "ok",
      name: listed.name,
      total: listed.faces.length,
      faces: listed.faces.slice(0, MAX_LISTED_FACES).map(faceInfo),
    };
  }

  async #forgetFace(name: string, faceId: number): Promise<ForgetFaceResponse> {
    const removed = await this.#exclusive(async () => {
      const removed = await this.#gallery.forgetFace(name, faceId);
      this.#sync?.wrote(removed.generation);
      if (removed.removedPerson) this.#names.delete(removed.personId);
      this.#dnn.facesRemoved([removed.faceId]);
      return removed;
    });
    // As a forget: the reply comes once every model has dropped the face.
    await this.#models.trained(removed.generation);
    return {
      op: "forgetFace",
      status: "ok",
      name: removed.name,
      faceId: removed.faceId,
      personFaces: removed.personFaces,
      models: this.#states(),
    };
  }

  async #export(name: string): Promise<ExportResponse> {
    const listed = await this.#gallery.faceImages(name);
    const faces: ExportedFace[] = [];
    let bytes = 0;
    for (const image of listed.faces.slice(0, MAX_LISTED_FACES)) {
      const png = image.chipPng ??
        encodeGrayPng({ width: image.width, height: image.height, data: image.pixels });
      if (bytes + png.length > MAX_EXPORT_BYTES) break;
      bytes += png.length;
      faces.push({ ...faceInfo(image), png });
    }
    return { op: "export", status: "ok", name: listed.name, total: listed.faces.length, faces };
  }

  /** Finishes training in progress, stops the workers and closes the gallery. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    // Bounded: a resync or a training run stuck on a lost database must not hold the exit.
    const bounded = async (work: Promise<unknown>) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([work, new Promise((r) => timer = setTimeout(r, CLOSE_WAIT_MS))]);
      clearTimeout(timer);
    };
    await bounded(this.#sync?.close() ?? Promise.resolve());
    await bounded(Promise.all([this.#models.close(), this.#dnn.close()]));
    for (const pool of this.#pools) pool.close();
    await this.#gallery.close();
    this.#lock?.release();
  }

  /** Runs `body` after the writes and resyncs before it: they update the same state. */
  #exclusive<T>(body: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(body, body);
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Resolves once no resync with other replicas is running (tests). */
  async settled(): Promise<void> {
    await this.#sync?.settled();
  }

  async #readNames(): Promise<void> {
    this.#names = await this.#gallery.names();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

/**
 * Connects to a shared gallery, retrying while the database cannot be reached (it may be
 * starting beside this recognizer) for up to `waitMs`, then giving up with a clear error.
 */
async function connectShared(url: string, waitMs: number, log: Logger): Promise<GalleryStore> {
  const deadline = performance.now() + waitMs;
  for (let attempt = 1;; attempt++) {
    try {
      return await PostgresGallery.connect(url);
    } catch (error) {
      const retry = error instanceof GalleryError && error.code === "unavailable" &&
        performance.now() < deadline;
      if (!retry) {
        if (error instanceof GalleryError && error.code === "unavailable") {
          throw new GalleryError(
            "unavailable",
            `cannot reach the gallery database ${redactUrl(url)} (tried for ${
              Math.round(waitMs / 1000)
            } s): ${error.message}`,
            { cause: error },
          );
        }
        throw error;
      }
      log.warn("gallery database unreachable; retrying", { attempt, url: redactUrl(url) });
      await new Promise((r) => setTimeout(r, Math.min(2000, 250 * attempt)));
    }
  }
}

/** A gallery face record as the wire lists it. */
function faceInfo(record: FaceRecord): FaceInfo {
  return {
    id: record.id,
    createdAt: record.createdAt,
    ...(record.source === null ? {} : { filename: record.source }),
    ...(record.score === null ? {} : { score: record.score }),
    aligned: record.aligned,
  };
}
