/**
 * Each service's own hop. The codec decodes enroll and identify with either payload,
 * since the wire allows IMAGE and FACE in one message (docs/PROTOCOL.md §4); a service
 * takes only its hop's payload and refuses the other with a badRequest that says where it
 * belongs (§11: crops from a client would skip detection).
 *
 * @module
 */
import type { ClientRequest, RecognizerRequest, Request } from "../protocol/messages.ts";
import { ServiceError } from "./errors.ts";

/**
 * `request` as the detector takes it: images, no face crops. An absent image list is an
 * empty one (the detector's own checks then say how many it expects).
 *
 * @throws {ServiceError} badRequest when an enroll or identify carries face crops.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clientRequest } from "./hop_requests.ts";
 * const face = { width: 1, height: 1, pixels: new Uint8Array(1), imageIndex: 0, box: { x: 0, y: 0, width: 1, height: 1 } };
 * assert.deepEqual(clientRequest({ op: "enroll", name: "Ada" }), { op: "enroll", name: "Ada", images: [] });
 * assert.throws(() => clientRequest({ op: "identify", algorithm: "lbph", faces: [face] }), /expects images/);
 * ```
 */
export function clientRequest(request: Request): ClientRequest {
  switch (request.op) {
    case "enroll": {
      const { faces, images, ...rest } = request;
      refuseFaces(request.op, faces);
      return { ...rest, images: images ?? [] };
    }
    case "identify":
    case "verify": {
      const { faces, images, ...rest } = request;
      refuseFaces(request.op, faces);
      return { ...rest, images: images ?? [] } as ClientRequest;
    }
    default:
      return request;
  }
}

/**
 * `request` as the recognizer takes it: face crops, no images. An absent face list is an
 * empty one; `largest`, which only the detector reads, is dropped.
 *
 * @throws {ServiceError} badRequest when an enroll or identify carries images.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recognizerRequest } from "./hop_requests.ts";
 * const image = { data: new Uint8Array([0xff, 0xd8]) };
 * assert.deepEqual(recognizerRequest({ op: "identify", algorithm: "lbph" }), { op: "identify", algorithm: "lbph", faces: [] });
 * assert.throws(() => recognizerRequest({ op: "enroll", name: "Ada", images: [image] }), /expects face crops/);
 * ```
 */
export function recognizerRequest(request: Request): RecognizerRequest {
  switch (request.op) {
    case "enroll": {
      const { faces, images, largest: _largest, ...rest } = request;
      refuseImages(request.op, images);
      return { ...rest, faces: faces ?? [] };
    }
    case "identify":
    case "verify": {
      const { faces, images, ...rest } = request;
      refuseImages(request.op, images);
      return { ...rest, faces: faces ?? [] } as RecognizerRequest;
    }
    default:
      return request;
  }
}

function refuseFaces(op: Request["op"], faces: readonly unknown[] | undefined): void {
  if (faces) {
    throw new ServiceError(
      "badRequest",
      `${op}: the detector expects images, not face crops (FACE is for the recognizer)`,
    );
  }
}

function refuseImages(op: Request["op"], images: readonly unknown[] | undefined): void {
  if (images) {
    throw new ServiceError(
      "badRequest",
      `${op}: the recognizer expects face crops; send images to the detector instead`,
    );
  }
}
