/**
 * Up-front input checks shared by all recognizers; messages state expected against got.
 * @module
 */
import type { FaceImage } from "./recognizer.ts";

/** Width and height of a model's images. */
export interface ImageSize {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
}

/**
 * Throws unless `image` is a well-formed 8-bit greyscale image (or RGB, with `colour`), and
 * of `size` when given.
 */
export function checkImage(image: FaceImage, what: string, size?: ImageSize, colour = false): void {
  const { width, height, data } = image;
  const channels = image.channels ?? 1;
  if (channels !== 1 && !(colour && channels === 3)) {
    throw new TypeError(
      `${what}: expected ${
        colour ? "1 or 3 channels" : "a greyscale image (1 channel)"
      }, got ${channels}`,
    );
  }
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(
      `${what}: expected positive integer width and height, got ${width}x${height}`,
    );
  }
  if (!(data instanceof Uint8Array)) {
    throw new TypeError(`${what}: expected data as a Uint8Array, got ${describe(data)}`);
  }
  if (data.length !== width * height * channels) {
    throw new TypeError(
      `${what}: expected ${width * height * channels} bytes for ${width}x${height}` +
        `${channels === 3 ? " RGB" : ""}, got ${data.length}`,
    );
  }
  if (size !== undefined && (width !== size.width || height !== size.height)) {
    throw new TypeError(
      `${what}: expected ${size.width}x${size.height} like the model's images, got ${width}x${height}`,
    );
  }
}

/**
 * Checks a training batch: at least one image, one integer (int32) label per image, all
 * images of one size (the model's, when `size` is given). Returns that size.
 */
export function checkTrainingSet(
  images: readonly FaceImage[],
  labels: readonly number[],
  size?: ImageSize,
  colour = false,
): ImageSize {
  if (images.length !== labels.length) {
    throw new TypeError(
      `labels: expected ${images.length} (one per image), got ${labels.length}`,
    );
  }
  const first = images[0];
  if (first === undefined) throw new RangeError("images: expected at least 1 image, got 0");
  const expected = size ?? { width: first.width, height: first.height };
  images.forEach((image, i) => checkImage(image, `images[${i}]`, expected, colour));
  labels.forEach((label, i) => {
    if (!Number.isInteger(label) || label < -(2 ** 31) || label >= 2 ** 31) {
      throw new RangeError(`labels[${i}]: expected an int32 integer, got ${label}`);
    }
  });
  return expected;
}

/** Throws unless `limit` is a positive integer. */
export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new RangeError(`limit: expected a positive integer, got ${limit}`);
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "object";
  return typeof value;
}
