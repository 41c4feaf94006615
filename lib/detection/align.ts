/**
 * Face alignment: a least-squares similarity from the detector's five landmarks onto a
 * template, then `cv.warpAffine`.
 *
 * The `dnn` chip template is dlib's: `get_face_chip_details` (dlib/image_transforms/
 * interpolation.h) places the 68-point mean face shape in a square chip with padding 0.25,
 * and dlib's ResNet face descriptor was trained on 150x150 chips made that way. The five
 * points are derived from that mean shape (normalised coordinates of landmarks 17..67):
 * each eye centre is the mean of its six contour points (36-41, 42-47), the nose tip is
 * point 30, the mouth corners are points 48 and 54. A chip coordinate is
 * `(v + padding) / (1 + 2·padding) · size`.
 *
 * @module
 */
import { type CV, openCVError } from "../../wasm/opencv.ts";
import { grayToMat, matBytes, rgbaToMat } from "../imaging/_mat.ts";
import type { GrayImage, RgbaImage, RgbImage } from "../imaging/image.ts";
import { MatScope } from "../imaging/mat_scope.ts";
import type { Landmarks, Point } from "./face.ts";
import { fitSimilarity, type Similarity } from "./similarity.ts";

/** dlib's mean face, normalised: eye centres, nose tip, mouth corners (image-left first). */
const DLIB_MEAN_FIVE: readonly Point[] = [
  { x: 0.2254918, y: 0.2159897 }, // mean of points 36-41
  { x: 0.7547613, y: 0.2159897 }, // mean of points 42-47
  { x: 0.490127, y: 0.515625 }, // point 30
  { x: 0.254149, y: 0.780233 }, // point 48
  { x: 0.726104, y: 0.780233 }, // point 54
];

/** dlib's default chip padding. */
const DLIB_PADDING = 0.25;

/** Where the five landmarks go in a `size`² dlib face chip. */
export function dlibChipTemplate(size = 150): Point[] {
  return DLIB_MEAN_FIVE.map((p) => ({
    x: (p.x + DLIB_PADDING) / (1 + 2 * DLIB_PADDING) * size,
    y: (p.y + DLIB_PADDING) / (1 + 2 * DLIB_PADDING) * size,
  }));
}

/**
 * Where the landmarks sit in ORL's 92x112 crops (the classic algorithms' framing): the mean
 * of YuNet's landmarks over the 400 ORL images, in pixels of the 92x112 crop (measured by
 * scripts/orl_template.ts).
 */
export const ORL_TEMPLATE: readonly Point[] = [
  { x: 28.2, y: 52.2 },
  { x: 61.5, y: 52.1 },
  { x: 45.0, y: 70.6 },
  { x: 31.3, y: 84.3 },
  { x: 59.6, y: 84.3 },
];

function warp(
  cv: CV,
  scope: MatScope,
  src: InstanceType<CV["Mat"]>,
  m: Similarity,
  width: number,
  height: number,
): Uint8Array {
  const matrix = scope.track(cv.matFromArray(2, 3, cv.CV_64F, [...m]));
  const dst = scope.track(new cv.Mat());
  // Black outside the photo, as dlib's extract_image_chip leaves it.
  cv.warpAffine(
    src,
    dst,
    matrix,
    new cv.Size(width, height),
    cv.INTER_LINEAR,
    cv.BORDER_CONSTANT,
    new cv.Scalar(0, 0, 0, 0),
  );
  return matBytes(dst);
}

/** The aligned `size`² RGB chip the dnn descriptor takes. */
export function alignChip(cv: CV, rgba: RgbaImage, landmarks: Landmarks, size = 150): RgbImage {
  const m = fitSimilarity(landmarks, dlibChipTemplate(size));
  using scope = new MatScope();
  try {
    const src = rgbaToMat(cv, scope, rgba);
    const rgb = scope.track(new cv.Mat());
    cv.cvtColor(src, rgb, cv.COLOR_RGBA2RGB);
    return { width: size, height: size, data: warp(cv, scope, rgb, m, size, size) };
  } catch (e) {
    throw openCVError(cv, e, "alignChip");
  }
}

/** A grey crop aligned onto the ORL framing, for the classic algorithms. */
export function alignGray(
  cv: CV,
  gray: GrayImage,
  landmarks: Landmarks,
  width = 92,
  height = 112,
): GrayImage {
  const template = ORL_TEMPLATE.map((p) => ({ x: p.x * width / 92, y: p.y * height / 112 }));
  const m = fitSimilarity(landmarks, template);
  using scope = new MatScope();
  try {
    const src = grayToMat(cv, scope, gray);
    return { width, height, data: warp(cv, scope, src, m, width, height) };
  } catch (e) {
    throw openCVError(cv, e, "alignGray");
  }
}
