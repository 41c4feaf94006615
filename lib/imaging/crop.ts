/**
 * Face crops normalised to a fixed size, the way the native reference tool makes them:
 * `cv2.resize(img[y:y+h, x:x+w], (W, H))`, i.e. bilinear (INTER_LINEAR).
 * @module
 */
import type { CV } from "../../wasm/opencv.ts";
import { openCVError } from "../../wasm/opencv.ts";
import { grayToMat, matBytes, rgbaToMat } from "./_mat.ts";
import type { Box, GrayImage, RgbaImage } from "./image.ts";
import { MatScope } from "./mat_scope.ts";

function checkTarget(width: number, height: number): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`expected a positive integer target size, got ${width}x${height}`);
  }
}

/**
 * Clips `box` (rounded to whole pixels) to the image. Throws RangeError when nothing of it
 * lies inside.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clampBox } from "./crop.ts";
 * const b = clampBox({ x: -5, y: 2, width: 20, height: 200 }, 10, 10);
 * assert.deepEqual(b, { x: 0, y: 2, width: 10, height: 8 });
 * ```
 */
export function clampBox(box: Box, width: number, height: number): Box {
  const x0 = Math.max(0, Math.round(box.x));
  const y0 = Math.max(0, Math.round(box.y));
  const x1 = Math.min(width, Math.round(box.x + box.width));
  const y1 = Math.min(height, Math.round(box.y + box.height));
  if (!(x1 > x0 && y1 > y0)) {
    throw new RangeError(
      `box ${box.width}x${box.height}+${box.x}+${box.y} does not overlap the ` +
        `${width}x${height} image: expected a box with pixels inside it`,
    );
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/**
 * Resizes a whole grey image with bilinear interpolation.
 *
 * @example
 * ```ts ignore
 * const small = resizeGray(cv, gray, 46, 56);
 * ```
 */
export function resizeGray(cv: CV, gray: GrayImage, width: number, height: number): GrayImage {
  return cropAndResize(
    cv,
    gray,
    { x: 0, y: 0, width: gray.width, height: gray.height },
    width,
    height,
  );
}

/**
 * Crops `box` (clamped to the image) and resizes it to `width` x `height` with
 * `cv.resize(..., INTER_LINEAR)`, matching the native tool's crops pixel for pixel.
 *
 * @example
 * ```ts ignore
 * import { FACE_HEIGHT, FACE_WIDTH } from "./image.ts";
 * const face = cropAndResize(cv, gray, boxes[0], FACE_WIDTH, FACE_HEIGHT);
 * ```
 */
export function cropAndResize(
  cv: CV,
  gray: GrayImage,
  box: Box,
  width: number,
  height: number,
): GrayImage {
  checkTarget(width, height);
  const b = clampBox(box, gray.width, gray.height);
  using scope = new MatScope();
  try {
    const src = grayToMat(cv, scope, gray);
    const roi = scope.track(src.roi(new cv.Rect(b.x, b.y, b.width, b.height)));
    const dst = scope.track(new cv.Mat());
    cv.resize(roi, dst, new cv.Size(width, height), 0, 0, cv.INTER_LINEAR);
    return { width, height, data: matBytes(dst) };
  } catch (e) {
    throw openCVError(cv, e, `cropAndResize to ${width}x${height}`);
  }
}

/**
 * Shrinks an RGBA image so that its longer side is at most `maxSide` (INTER_AREA, the
 * filter that does not alias when shrinking); returns the image itself when it already
 * fits, and the factor applied.
 *
 * @example
 * ```ts ignore
 * const { image, scale } = fitRgba(cv, photo, 1600);
 * ```
 */
export function fitRgba(
  cv: CV,
  img: RgbaImage,
  maxSide: number,
): { image: RgbaImage; scale: number } {
  if (!(Number.isInteger(maxSide) && maxSide >= 1)) {
    throw new RangeError(`maxSide: expected a positive integer, got ${maxSide}`);
  }
  const longer = Math.max(img.width, img.height);
  if (longer <= maxSide) return { image: img, scale: 1 };
  const scale = maxSide / longer;
  const width = Math.max(1, Math.round(img.width * scale));
  const height = Math.max(1, Math.round(img.height * scale));
  using scope = new MatScope();
  try {
    const src = rgbaToMat(cv, scope, img);
    const dst = scope.track(new cv.Mat());
    cv.resize(src, dst, new cv.Size(width, height), 0, 0, cv.INTER_AREA);
    return { image: { width, height, data: matBytes(dst) }, scale: width / img.width };
  } catch (e) {
    throw openCVError(cv, e, `fitRgba to ${width}x${height}`);
  }
}
