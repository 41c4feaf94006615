/**
 * Typed messages of the facerec wire protocol. The byte layout of each is specified in
 * docs/PROTOCOL.md and implemented by the TLV codec in this folder; code outside
 * `lib/protocol` only ever sees these shapes.
 *
 * The same operations travel on both hops:
 * - client -> detector carries encoded images (`images`): {@link ClientRequest};
 * - detector -> recognizer carries normalised greyscale face crops (`faces`):
 *   {@link RecognizerRequest}.
 *
 * The codec serves both hops, so what it decodes is a {@link Request}, in which enroll and
 * identify may carry either payload (or both); each service narrows it to its hop's type.
 *
 * @module
 */
import type { Algorithm } from "../core/algorithms.ts";

/** Operation ids. 1 and 2 are fixed by the product; the rest follow. */
export const OPS = {
  enroll: 1,
  identify: 2,
  list: 3,
  forget: 4,
  stats: 5,
  verify: 6,
  rename: 7,
  faces: 8,
  forgetFace: 9,
  export: 10,
} as const;
/** An operation name. */
export type Op = keyof typeof OPS;

/** Reply status codes. 0 is success; everything else carries a message. */
export const STATUS = {
  ok: 0,
  badRequest: 1,
  unknownOperation: 2,
  tooLarge: 3,
  unauthorized: 4,
  notFound: 5,
  notReady: 6,
  unavailable: 7,
  internal: 8,
  busy: 9,
} as const;
/** A status name. */
export type Status = keyof typeof STATUS;

/** A face box in source-image pixels. */
export interface WireBox {
  /** Left edge, in pixels from the image's left. */
  x: number;
  /** Top edge, in pixels from the image's top. */
  y: number;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** An encoded image as the user sent it. */
export interface WireImage {
  /** Optional label for reporting (e.g. the file name); never used as a path. */
  filename?: string;
  /** The encoded file (JPEG, PNG, WebP, ...), byte for byte as the user gave it. */
  data: Uint8Array;
}

/** A point in source-image pixels (sub-pixel). */
export interface WirePoint {
  /** Pixels from the image's left edge. */
  x: number;
  /** Pixels from the image's top edge. */
  y: number;
}

/**
 * Five facial landmarks, in the detector's order: the eye on the image's left, the other
 * eye, the nose tip, the mouth corner on the image's left, the other mouth corner.
 */
export type WireLandmarks = [WirePoint, WirePoint, WirePoint, WirePoint, WirePoint];

/** An aligned colour face chip: `width * height * 3` bytes, row-major R, G, B. */
export interface WireChip {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** `width * height * 3` bytes, row-major R, G, B. */
  pixels: Uint8Array;
}

/** A normalised greyscale face crop (detector -> recognizer). */
export interface WireFace {
  /** Width of the crop in pixels. */
  width: number;
  /** Height of the crop in pixels. */
  height: number;
  /** `width * height` bytes, row-major, 8-bit grey. */
  pixels: Uint8Array;
  /** Where the face was found in its source image. */
  box: WireBox;
  /** Index of the source image within the request (enroll); 0 for identify. */
  imageIndex: number;
  /** The face aligned on its landmarks, in colour, for `dnn` (absent from the Haar detector). */
  chip?: WireChip;
  /** Landmarks in source-image pixels (absent from the Haar detector). */
  landmarks?: WireLandmarks;
  /** The detector's confidence in [0, 1] (absent from the Haar detector). */
  score?: number;
  /** The label of the image it came from, as the client gave it (enroll). */
  filename?: string;
}

// ---------------------------------------------------------------- requests

/**
 * What every enroll carries, on either hop. An enroll stores a person's faces (op 1); the
 * person is created on first use.
 */
export interface EnrollFields {
  /** The operation. */
  op: "enroll";
  /** Optional shared secret (see the security section of the README). */
  token?: string;
  /** The person to add the faces to (normalised and matched as docs/PROTOCOL.md §11.1 says). */
  name: string;
  /**
   * Acknowledge only once every model includes the new faces, instead of once they are
   * durable and in the incremental models (Eigen/Fisher still training). Passed on.
   */
  wait?: boolean;
}

/** An enroll as the client sends it to the detector: encoded images. */
export interface ClientEnrollRequest extends EnrollFields {
  /** Take the largest face of an image that shows several, instead of refusing the image. */
  largest?: boolean;
  /** The person's photos. */
  images: WireImage[];
}

/** An enroll as the detector sends it on to the recognizer: one crop per stored image. */
export interface RecognizerEnrollRequest extends EnrollFields {
  /** One face per image that showed one. */
  faces: WireFace[];
}

/**
 * An enroll as the codec reads it, from either hop. The wire allows IMAGE and FACE fields
 * in one message (docs/PROTOCOL.md §4), so both are optional here; each service narrows
 * this to its own hop's type, refusing the other payload.
 */
export interface EnrollRequest extends EnrollFields {
  /** As in {@link ClientEnrollRequest.largest}. */
  largest?: boolean;
  /** Client → detector: the photos. */
  images?: WireImage[];
  /** Detector → recognizer: the faces. */
  faces?: WireFace[];
}

/** What every identify carries, on either hop. An identify names every face in one image (op 2). */
export interface IdentifyFields {
  /** The operation. */
  op: "identify";
  /** Optional shared secret, as in {@link EnrollRequest.token}. */
  token?: string;
  /** The algorithm whose model answers. */
  algorithm: Algorithm;
  /** Overrides the algorithm's calibrated unknown threshold; a distance, so >= 0. */
  threshold?: number;
}

/** An identify as the client sends it to the detector: exactly one encoded image. */
export interface ClientIdentifyRequest extends IdentifyFields {
  /** Exactly one photo (the detector checks). */
  images: WireImage[];
}

/** An identify as the detector sends it on to the recognizer: every face found. */
export interface RecognizerIdentifyRequest extends IdentifyFields {
  /** Every face the detector found, with its box. */
  faces: WireFace[];
}

/** An identify as the codec reads it, from either hop (see {@link EnrollRequest}). */
export interface IdentifyRequest extends IdentifyFields {
  /** Client → detector: the photo. */
  images?: WireImage[];
  /** Detector → recognizer: the faces. */
  faces?: WireFace[];
}

/** Lists the enrolled people (op 3). */
export interface ListRequest {
  /** The operation. */
  op: "list";
  /** Optional shared secret, as in {@link EnrollRequest.token}. */
  token?: string;
}

/** Deletes a person and their faces (op 4). */
export interface ForgetRequest {
  /** The operation. */
  op: "forget";
  /** Optional shared secret, as in {@link EnrollRequest.token}. */
  token?: string;
  /** The person to delete (matched as in {@link EnrollRequest.name}). */
  name: string;
}

/** Asks for the server version, gallery size and model states (op 5). */
export interface StatsRequest {
  /** The operation. */
  op: "stats";
  /** Optional shared secret, as in {@link EnrollRequest.token}. */
  token?: string;
}

/**
 * What every verify carries, on either hop. A verify asks "is this the same person?" of two
 * photos, or of one photo and an enrolled person (op 6).
 */
export interface VerifyFields {
  /** The operation. */
  op: "verify";
  /** Optional shared secret, as in {@link EnrollRequest.token}. */
  token?: string;
  /** The algorithm whose distance decides. */
  algorithm: Algorithm;
  /** Overrides the algorithm's threshold; a distance, so >= 0. */
  threshold?: number;
  /** Compare with this enrolled person instead of a second photo. */
  name?: string;
}

/** A verify as the client sends it: two photos, or one photo and a `name`. */
export interface ClientVerifyRequest extends VerifyFields {
  /** The photos (the detector checks how many). */
  images: WireImage[];
}

/** A verify as the detector sends it on: one face per photo (the largest). */
export interface RecognizerVerifyRequest extends VerifyFields {
  /** One face per photo of the client's request, in its order. */
  faces: WireFace[];
}

/** A verify as the codec reads it, from either hop (see {@link EnrollRequest}). */
export interface VerifyRequest extends VerifyFields {
  /** Client → detector: the photos. */
  images?: WireImage[];
  /** Detector → recognizer: the faces. */
  faces?: WireFace[];
}

/** Gives an enrolled person another name, atomically (op 7). */
export interface RenameRequest {
  /** The operation. */
  op: "rename";
  /** Optional shared secret, as in {@link EnrollRequest.token}. */
  token?: string;
  /** The person's current name (matched as in {@link EnrollRequest.name}). */
  name: string;
  /** The new name; refused when another person holds it. */
  newName: string;
}

/** Lists one person's stored faces (op 8). */
export interface FacesRequest {
  /** The operation. */
  op: "faces";
  /** Optional shared secret, as in {@link EnrollRequest.token}. */
  token?: string;
  /** The person (matched as in {@link EnrollRequest.name}). */
  name: string;
}

/** Deletes one stored face of a person (op 9). */
export interface ForgetFaceRequest {
  /** The operation. */
  op: "forgetFace";
  /** Optional shared secret, as in {@link EnrollRequest.token}. */
  token?: string;
  /** The person (matched as in {@link EnrollRequest.name}). */
  name: string;
  /** The face's id, as {@link FacesResponse} lists it. */
  faceId: number;
}

/** Asks for one person's stored face images, as PNG (op 10). */
export interface ExportRequest {
  /** The operation. */
  op: "export";
  /** Optional shared secret, as in {@link EnrollRequest.token}. */
  token?: string;
  /** The person (matched as in {@link EnrollRequest.name}). */
  name: string;
}

/** The requests that are the same on both hops: they carry no images and no faces. */
export type ManagementRequest = RenameRequest | FacesRequest | ForgetFaceRequest | ExportRequest;

/** Any request, as the codec reads and writes it (either hop). */
export type Request =
  | EnrollRequest
  | IdentifyRequest
  | ListRequest
  | ForgetRequest
  | StatsRequest
  | VerifyRequest
  | ManagementRequest;

/** A request on the client -> detector hop. */
export type ClientRequest =
  | ClientEnrollRequest
  | ClientIdentifyRequest
  | ListRequest
  | ForgetRequest
  | StatsRequest
  | ClientVerifyRequest
  | ManagementRequest;

/** A request on the detector -> recognizer hop. */
export type RecognizerRequest =
  | RecognizerEnrollRequest
  | RecognizerIdentifyRequest
  | ListRequest
  | ForgetRequest
  | StatsRequest
  | RecognizerVerifyRequest
  | ManagementRequest;

// ---------------------------------------------------------------- responses

/** Outcome of one image in an enroll request. */
export type ImageOutcome = "stored" | "no_face" | "several_faces" | "unreadable" | "duplicate";

/** What became of one image of an enroll request. */
export interface ImageReport {
  /** Index of the image within the request. */
  index: number;
  /** Whether a face of it was stored, and if not, why. */
  outcome: ImageOutcome;
  /** Faces the detector found in it. */
  faces: number;
  /** Human-readable detail (why it was unreadable, ...). */
  message?: string;
  /** For `no_face`: the image, returned to the user unchanged. */
  data?: Uint8Array;
}

/** Training state of one algorithm's model. */
export interface ModelState {
  /** The algorithm whose model this is. */
  algorithm: Algorithm;
  /**
   * "ready": includes every stored face; "training": a retrain for newer faces is under
   * way, the previous model serves meanwhile; "stale": behind the gallery and not training
   * (MESSAGE says why); "untrained": nothing to serve; "unavailable": cannot be trained on
   * this gallery (MESSAGE says why).
   */
  state: "ready" | "stale" | "untrained" | "unavailable" | "training";
  /** Faces the served model was trained on. */
  faces: number;
  /** Why the model is not ready, or a note on it (e.g. a threshold that fell back). */
  message?: string;
  /**
   * The unknown-face threshold identify applies when the request gives none: calibrated on
   * the gallery this model was trained on (Fisherfaces), or the algorithm's default. Present
   * whenever a model is served (ready, stale, or training with a previous model), absent
   * when there is none (untrained, unavailable).
   */
  threshold?: number;
}

/** The reply to a successful {@link EnrollRequest}. */
export interface EnrollResponse {
  /** The operation answered. */
  op: "enroll";
  /** Success; a failure is an {@link ErrorResponse}. */
  status: "ok";
  /** The person, in the spelling stored at their first enrollment. */
  name: string;
  /** Faces stored by this request. */
  stored: number;
  /** Faces now held for this person. */
  personFaces: number;
  /** One report per image of the request. */
  images: ImageReport[];
  /** Each algorithm's model state after the enrollment. */
  models: ModelState[];
}

/** One face found by an identify request, and whom it resembles. */
export interface IdentifiedFace {
  /** Where the face is in the source image. */
  box: WireBox;
  /** The detector's confidence, when the detector gives one. */
  score?: number;
  /** Five landmarks in source-image pixels, when the detector gives them. */
  landmarks?: WireLandmarks;
  /** null (unknown) unless the best distance is strictly below the threshold. */
  name: string | null;
  /**
   * The best candidate's distance (smaller is closer); absent when nobody is left to compare
   * with. DISTANCE is required on the wire, so the encoder sends the largest finite f64 then
   * (§6.6); the decoder returns the number sent, so that a reply passed on is re-sent
   * unchanged: read it with `knownDistance`.
   */
  distance?: number;
  /** The algorithm that answered. */
  algorithm: Algorithm;
  /** The unknown-face threshold that was applied. */
  threshold: number;
  /**
   * Nearest people, best first, one per person, at most 5 from the reference recognizer
   * (including those at or over the threshold).
   */
  candidates: { name: string; distance: number }[];
}

/** The reply to a successful {@link IdentifyRequest}. */
export interface IdentifyResponse {
  /** The operation answered. */
  op: "identify";
  /** Success; a failure is an {@link ErrorResponse}. */
  status: "ok";
  /** Empty when no face was found. */
  faces: IdentifiedFace[];
  /**
   * Source image size, so a client can place the boxes; 0 from the recognizer, which never
   * sees the image (the detector fills them in).
   */
  imageWidth: number;
  /** Source image height; 0 from the recognizer, as {@link IdentifyResponse.imageWidth}. */
  imageHeight: number;
  /** When no face was found: the image, returned to the user unchanged. */
  image?: Uint8Array;
}

/** The reply to a successful {@link ListRequest}. */
export interface ListResponse {
  /** The operation answered. */
  op: "list";
  /** Success; a failure is an {@link ErrorResponse}. */
  status: "ok";
  /** Every enrolled person, with the number of faces held for them. */
  people: { name: string; faces: number }[];
}

/** The reply to a successful {@link ForgetRequest}. */
export interface ForgetResponse {
  /** The operation answered. */
  op: "forget";
  /** Success; a failure is an {@link ErrorResponse}. */
  status: "ok";
  /** The person deleted, in their stored spelling. */
  name: string;
  /** Faces deleted. */
  removedFaces: number;
  /** Each algorithm's model state after the deletion. */
  models: ModelState[];
}

/** The reply to a successful {@link StatsRequest}. */
export interface StatsResponse {
  /** The operation answered. */
  op: "stats";
  /** Success; a failure is an {@link ErrorResponse}. */
  status: "ok";
  /** Server software version. */
  version: string;
  /** People enrolled. */
  people: number;
  /** Faces stored. */
  faces: number;
  /** Each algorithm's model state. */
  models: ModelState[];
}

/**
 * The reply to a successful {@link VerifyRequest}. `same`, `distance` and `threshold` are
 * there together, exactly when every photo showed a face: `faces` says how many each
 * showed, so a 0 in it is a photo without a face, and then nothing was compared.
 */
export interface VerifyResponse {
  /** The operation answered. */
  op: "verify";
  /** Success; a failure is an {@link ErrorResponse}. */
  status: "ok";
  /** The algorithm that compared. */
  algorithm: Algorithm;
  /**
   * Faces found in each photo of the request, in order (the largest one was compared). From
   * the recognizer, which is sent one face per photo, a 1 per face.
   */
  faces: number[];
  /** With a `name` in the request: the person, in their stored spelling. */
  name?: string;
  /** True when `distance` is strictly below `threshold`. */
  same?: boolean;
  /**
   * The distance between the two faces, or with a name between the face and the nearest of
   * the person's stored faces; the algorithm's own scale, smaller is closer.
   */
  distance?: number;
  /** The threshold applied: the request's, else the algorithm's default. */
  threshold?: number;
}

/** The reply to a successful {@link RenameRequest}. */
export interface RenameResponse {
  /** The operation answered. */
  op: "rename";
  /** Success; a failure is an {@link ErrorResponse}. */
  status: "ok";
  /** The stored spelling the person had. */
  name: string;
  /** The name they have now, as stored (after normalisation). */
  newName: string;
}

/** One stored face, as {@link FacesResponse} lists it. */
export interface FaceInfo {
  /** The face's id: what {@link ForgetFaceRequest.faceId} takes. */
  id: number;
  /** When it was enrolled, in milliseconds since the Unix epoch (UTC). */
  createdAt: number;
  /** The label of the file it came from, when the client gave one. */
  filename?: string;
  /** The detector's confidence, when the detector gave one. */
  score?: number;
  /** True when an aligned colour chip is stored with the face (what `dnn` uses). */
  aligned: boolean;
}

/** One stored face with its image, as {@link ExportResponse} carries it. */
export interface ExportedFace extends FaceInfo {
  /**
   * A PNG file: the aligned colour chip when `aligned`, else the grey crop the classic
   * algorithms use.
   */
  png: Uint8Array;
}

/** The reply to a successful {@link FacesRequest}. */
export interface FacesResponse {
  /** The operation answered. */
  op: "faces";
  /** Success; a failure is an {@link ErrorResponse}. */
  status: "ok";
  /** The person, in their stored spelling. */
  name: string;
  /** Faces the person holds; more than `faces.length` when the reply was cut. */
  total: number;
  /** Their stored faces, oldest first (at most 1,000 from the reference recognizer). */
  faces: FaceInfo[];
}

/** The reply to a successful {@link ForgetFaceRequest}. */
export interface ForgetFaceResponse {
  /** The operation answered. */
  op: "forgetFace";
  /** Success; a failure is an {@link ErrorResponse}. */
  status: "ok";
  /** The person, in their stored spelling. */
  name: string;
  /** The id of the face deleted. */
  faceId: number;
  /** Faces the person still holds; 0 means the person was deleted with their last face. */
  personFaces: number;
  /** Each algorithm's model state after the deletion. */
  models: ModelState[];
}

/** The reply to a successful {@link ExportRequest}. */
export interface ExportResponse {
  /** The operation answered. */
  op: "export";
  /** Success; a failure is an {@link ErrorResponse}. */
  status: "ok";
  /** The person, in their stored spelling. */
  name: string;
  /** Faces the person holds; more than `faces.length` when the reply was cut. */
  total: number;
  /** Their faces with images, oldest first (the reference cuts at 1,000 or 32 MiB). */
  faces: ExportedFace[];
}

/** A failed request of any operation. */
export interface ErrorResponse {
  /** The request's op; its raw id when the op is unknown (status "unknownOperation"). */
  op: Op | number;
  /** Why it failed: any status but `ok`. */
  status: Exclude<Status, "ok">;
  /** What went wrong, in words for the user. */
  message: string;
}

/** Any response. */
export type Response =
  | EnrollResponse
  | IdentifyResponse
  | ListResponse
  | ForgetResponse
  | StatsResponse
  | VerifyResponse
  | RenameResponse
  | FacesResponse
  | ForgetFaceResponse
  | ExportResponse
  | ErrorResponse;
