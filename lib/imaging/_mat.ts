/**
 * Copies between our typed-array images and OpenCV Mats. Mats never leave the imaging and
 * detection layers; these helpers are the only crossing point.
 * @module
 */
import type { CV } from "../../wasm/opencv.ts";
import type { GrayImage, RgbaImage } from "./image.ts";
import type { MatScope } from "./mat_scope.ts";

type Mat = InstanceType<CV["Mat"]>;

/** A CV_8UC1 Mat holding a copy of `gray`, owned by `scope`. */
export function grayToMat(cv: CV, scope: MatScope, gray: GrayImage): Mat {
  checkPixels(gray, 1);
  const mat = scope.track(new cv.Mat(gray.height, gray.width, cv.CV_8UC1));
  mat.data.set(gray.data);
  return mat;
}

/** A CV_8UC4 Mat holding a copy of `img`, owned by `scope`. */
export function rgbaToMat(cv: CV, scope: MatScope, img: RgbaImage): Mat {
  checkPixels(img, 4);
  const mat = scope.track(new cv.Mat(img.height, img.width, cv.CV_8UC4));
  mat.data.set(img.data);
  return mat;
}

/** Copies a continuous Mat's pixels out of the WASM heap. */
export function matBytes(mat: Mat): Uint8Array {
  return new Uint8Array(mat.data);
}

/**
 * Throws RangeError unless `img` has positive integer dimensions and exactly
 * `width * height * channels` bytes.
 */
export function checkPixels(
  img: { width: number; height: number; data: Uint8Array },
  channels: number,
): void {
  const { width, height, data } = img;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`expected positive integer image dimensions, got ${width}x${height}`);
  }
  if (data.length !== width * height * channels) {
    throw new RangeError(
      `expected ${width * height * channels} bytes for ${width}x${height}x${channels}, ` +
        `got ${data.length}`,
    );
  }
}
