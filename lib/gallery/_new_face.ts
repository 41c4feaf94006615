/**
 * What both gallery backends do to a face before storing it: check its shape, hash its
 * crop (for duplicates) and lay out its descriptor as bytes.
 * @module
 */
import { createHash } from "node:crypto";
import type { NewFace } from "./gallery.ts";
import { GalleryError } from "./errors.ts";

/** Throws a TypeError, naming the face and what was expected, for a malformed face. */
export function checkNewFaces(faces: readonly NewFace[]): void {
  for (const [i, face] of faces.entries()) {
    if (face.pixels.length !== face.width * face.height) {
      throw new TypeError(
        `face ${i}: expected ${face.width}x${face.height} = ${
          face.width * face.height
        } bytes, got ${face.pixels.length}`,
      );
    }
    if (face.landmarks && face.landmarks.length !== 10) {
      throw new TypeError(
        `face ${i}: expected 10 landmark coordinates, got ${face.landmarks.length}`,
      );
    }
  }
}

/** The SHA-256 of a crop, as stored in `crop_sha256`. */
export function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash("sha256").update(bytes).digest());
}

/** A descriptor as stored: its float32 bytes, little-endian (the platform's order). */
export function vectorBytes(vector: Float32Array): Uint8Array {
  return new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength).slice();
}

/** The `not_found` a forgetFace of a face the person does not have raises. */
export function noSuchFace(name: string, faceId: number): GalleryError {
  return new GalleryError(
    "not_found",
    `${JSON.stringify(name)} has no face with id ${faceId} ` +
      `(list their faces with "faces ${name}")`,
  );
}
