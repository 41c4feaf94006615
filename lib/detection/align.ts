/**
 * Face alignment: a least-squares similarity (./similarity.ts) takes the five detected
 * landmarks onto a fixed template, and `cv.warpAffine` (bilinear) resamples the face onto it,
 * so that every recognizer sees eyes, nose and mouth in the same place.
 *
 * Two templates:
 * - {@link DLIB_CHIP_TEMPLATE}, the 150x150 chip that dlib's ResNet face descriptor
 *   (`dlib_face_recognition_resnet_model_v1`) was trained on: dlib's
 *   `extract_image_chip(img, get_face_chip_details(shape, 150, 0.25), chip)`. The points come
 *   from the mean face shape in `get_face_chip_details`, dlib/image_transforms/interpolation.h
 *   of davisking/dlib (read at commit 3d40bf5790ca9073c160cebb898800d9f33e12ab, 2026-05-06;
 *   the arrays `mean_face_shape_x/y`, "Average positions of face points 17-67", in [0, 1]).
 *   A chip coordinate is `(v + padding) / (1 + 2 padding) * size`, as that function computes.
 * - {@link ORL_TEMPLATE}, 92x112, for Eigenfaces, Fisherfaces and LBPH: the framing of the
 *   ORL crops those methods are benchmarked on (derived by scripts/orl_template.ts).
 *
 * Like dlib's `extract_image_chips`, a face much larger than its chip is first halved with
 * an image pyramid (the [1 4 6 4 1] Gaussian of `cv.pyrDown` and dlib's `pyramid_down<2>`)
 * until the warp shrinks by less than 2x, because bilinear sampling at a larger step would
 * skip pixels and alias. Only the part of the image under the chip is copied, and only after
 * the pyramid, onto the WASM heap.
 * @module
 */
import { type CV, openCVError } from "../../wasm/opencv.ts";
import { checkPixels, matBytes } from "../imaging/_mat.ts";
import { type Pixels, pyrDown } from "../imaging/_pyr_down.ts";
import type { GrayImage, RgbaImage, RgbImage } from "../imaging/image.ts";
import { MatScope } from "../imaging/mat_scope.ts";
import type { Landmarks, Point } from "./face.ts";
import { applySimilarity, fitSimilarity, invertSimilarity, type Similarity } from "./similarity.ts";

/**
 * The points of dlib's mean face shape that match YuNet's landmarks, by their index in the
 * 68-point iBUG 300-W scheme dlib uses (0..1 coordinates of the face's landmark box, copied
 * from `get_face_chip_details`). 36-41 outline the eye on the image's left (the subject's
 * right eye), 42-47 the other; 30 is the nose tip; 48 and 54 are the mouth corners on the
 * image's left and right.
 */
const DLIB_MEAN_FACE: Readonly<Record<number, readonly [number, number]>> = {
  30: [0.490127, 0.515625],
  36: [0.121737, 0.216423],
  37: [0.187122, 0.178758],
  38: [0.265825, 0.179852],
  39: [0.334606, 0.231733],
  40: [0.260918, 0.245099],
  41: [0.182743, 0.244077],
  42: [0.645647, 0.231733],
  43: [0.714428, 0.179852],
  44: [0.793132, 0.178758],
  45: [0.858516, 0.216423],
  46: [0.79751, 0.244077],
  47: [0.719335, 0.245099],
  48: [0.254149, 0.780233],
  54: [0.726104, 0.780233],
};

/** Side of dlib's face chip, and its padding, as its face recognition example uses them. */
export const DLIB_CHIP_SIZE = 150;
/** Padding of dlib's chip around the landmark box, as a fraction of it. */
export const DLIB_CHIP_PADDING = 0.25;

function dlibPoint(indices: readonly number[], size: number, padding: number): Point {
  let x = 0, y = 0;
  for (const i of indices) {
    const p = DLIB_MEAN_FACE[i]!;
    x += p[0];
    y += p[1];
  }
  const k = size / (1 + 2 * padding);
  return { x: (x / indices.length + padding) * k, y: (y / indices.length + padding) * k };
}

/**
 * Where YuNet's five landmarks sit in dlib's 150x150 face chip (padding 0.25), in YuNet's
 * order: eye centres (the mean of the six eye-contour points 36-41, then 42-47), nose tip
 * (30), mouth corners (48, 54). About (47.55, 46.60), (100.48, 46.60), (74.01, 76.56),
 * (50.41, 103.02), (97.61, 103.02).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { DLIB_CHIP_TEMPLATE } from "./align.ts";
 * const [leftEye, rightEye] = DLIB_CHIP_TEMPLATE;
 * assert.ok(Math.abs(rightEye.x - leftEye.x - 52.93) < 0.01);
 * assert.ok(Math.abs(leftEye.y - rightEye.y) < 1e-9); // level, up to rounding
 * ```
 */
export const DLIB_CHIP_TEMPLATE: Landmarks = Object.freeze(
  [
    dlibPoint([36, 37, 38, 39, 40, 41], DLIB_CHIP_SIZE, DLIB_CHIP_PADDING),
    dlibPoint([42, 43, 44, 45, 46, 47], DLIB_CHIP_SIZE, DLIB_CHIP_PADDING),
    dlibPoint([30], DLIB_CHIP_SIZE, DLIB_CHIP_PADDING),
    dlibPoint([48], DLIB_CHIP_SIZE, DLIB_CHIP_PADDING),
    dlibPoint([54], DLIB_CHIP_SIZE, DLIB_CHIP_PADDING),
  ] as const,
);

/**
 * Where the five landmarks sit in a 92x112 ORL-framed face, in YuNet's order. Derived by
 * scripts/orl_template.ts: YuNet's landmarks averaged over all 400 ORL images (mean eyes
 * (27.09, 52.27) and (60.86, 52.04), nose (43.54, 70.96), mouth (30.91, 84.90) and
 * (59.21, 84.56)), then mirrored into symmetry about the crop's centre line x = 45.5, so the
 * aligned face is centred where the average ORL face sits slightly left of centre.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ORL_TEMPLATE } from "./align.ts";
 * assert.equal(ORL_TEMPLATE[2].x, 45.5);
 * ```
 */
export const ORL_TEMPLATE: Landmarks = Object.freeze(
  [
    { x: 28.61, y: 52.15 },
    { x: 62.39, y: 52.15 },
    { x: 45.5, y: 70.96 },
    { x: 31.35, y: 84.73 },
    { x: 59.65, y: 84.73 },
  ] as const,
);
/** The size {@link ORL_TEMPLATE} is laid out for. */
export const ORL_SIZE = { width: 92, height: 112 } as const;

/**
 * Warps the face with these landmarks onto dlib's chip: `size` x `size` RGB, the input
 * dlib's ResNet descriptor expects. Parts of the chip outside the photo are black, as in
 * dlib's `extract_image_chip` (the descriptor was trained on chips padded that way).
 * Throws RangeError for a bad size or landmarks, or when the chip misses the image.
 *
 * @example
 * ```ts ignore
 * const face = detector.detect(rgba)[0]!;
 * const chip = alignChip(cv, rgba, face.landmarks!); // 150x150 RGB
 * ```
 */
export function alignChip(
  cv: CV,
  rgba: RgbaImage,
  landmarks: Landmarks,
  size: number = DLIB_CHIP_SIZE,
): RgbImage {
  checkSize(size, size);
  const k = size / DLIB_CHIP_SIZE;
  const template = DLIB_CHIP_TEMPLATE.map((p) => ({ x: p.x * k, y: p.y * k }));
  return warp(cv, rgba, 4, 3, landmarks, template, size, size, false);
}

/**
 * Warps the face with these landmarks onto the ORL framing ({@link ORL_TEMPLATE}, stretched
 * to `width` x `height` when another size is asked for), for the classic recognizers.
 * Outside the photo the edge pixels are repeated rather than painted black: Eigenfaces and
 * LBPH would otherwise learn the black wedge as a feature of whoever stood near an edge.
 * Throws RangeError for a bad size or landmarks, or when the crop misses the image.
 *
 * @example
 * ```ts ignore
 * const face = alignGray(cv, decodeGray(bytes), landmarks); // 92x112 grey
 * ```
 */
export function alignGray(
  cv: CV,
  gray: GrayImage,
  landmarks: Landmarks,
  width: number = ORL_SIZE.width,
  height: number = ORL_SIZE.height,
): GrayImage {
  checkSize(width, height);
  const kx = width / ORL_SIZE.width, ky = height / ORL_SIZE.height;
  const template = ORL_TEMPLATE.map((p) => ({ x: p.x * kx, y: p.y * ky }));
  return warp(cv, gray, 1, 1, landmarks, template, width, height, true);
}

function checkSize(width: number, height: number): void {
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new RangeError(`expected a positive integer output size, got ${width}x${height}`);
  }
}

/**
 * The shared warp. `inChannels` is the layout of `img` (4 RGBA or 1 grey); `outChannels`
 * what to return (3 drops alpha while copying the region, so OpenCV warps 3 channels).
 */
function warp(
  cv: CV,
  img: { width: number; height: number; data: Uint8Array },
  inChannels: 1 | 4,
  outChannels: 1 | 3,
  landmarks: Landmarks,
  template: readonly Point[],
  width: number,
  height: number,
  replicate: boolean,
): RgbImage | GrayImage {
  checkPixels(img, inChannels);
  if (!Array.isArray(landmarks) || landmarks.length !== 5) {
    throw new TypeError(
      `expected 5 landmarks, got ${(landmarks as readonly unknown[] | undefined)?.length}`,
    );
  }
  const toChip = fitSimilarity(landmarks, template);
  const scale = Math.hypot(toChip[0], toChip[3]);
  // dlib's rule: halve while the chip would still be less than half the face's size.
  let levels = 0;
  while (scale * 2 ** (levels + 1) <= 1) levels++;
  const region = footprint(toChip, width, height, img.width, img.height, levels);
  if (!region) {
    throw new RangeError(
      `expected landmarks whose ${width}x${height} crop overlaps the ${img.width}x${img.height} ` +
        `image, got [${landmarks.map((p) => `(${p.x}, ${p.y})`).join(", ")}]`,
    );
  }
  // The pyramid runs in TypeScript (bit-exact with cv.pyrDown), so only the reduced region
  // is copied onto the WASM heap.
  let pixels: Pixels = { ...region, data: copyRegion(img, inChannels, outChannels, region) };
  for (let i = 0; i < levels; i++) pixels = pyrDown(pixels, outChannels);
  using scope = new MatScope();
  try {
    const src = scope.track(
      new cv.Mat(pixels.height, pixels.width, outChannels === 3 ? cv.CV_8UC3 : cv.CV_8UC1),
    );
    src.data.set(pixels.data);
    // Chip coordinates of a pixel q of the reduced region: pyrDown puts its pixel i over
    // source pixel 2i, so q sits at region origin + 2^levels q in the image.
    const f = 2 ** levels;
    const origin = applySimilarity(toChip, { x: region.x, y: region.y });
    const m: Similarity = [
      toChip[0] * f,
      toChip[1] * f,
      origin.x,
      toChip[3] * f,
      toChip[4] * f,
      origin.y,
    ];
    const matrix = scope.track(cv.matFromArray(2, 3, cv.CV_64FC1, [...m]));
    const dst = scope.track(new cv.Mat());
    cv.warpAffine(
      src,
      dst,
      matrix,
      new cv.Size(width, height),
      cv.INTER_LINEAR,
      replicate ? cv.BORDER_REPLICATE : cv.BORDER_CONSTANT,
      new cv.Scalar(0, 0, 0, 0),
    );
    return { width, height, data: matBytes(dst) };
  } catch (e) {
    throw openCVError(cv, e, `aligning a face to ${width}x${height}`);
  }
}

interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The image pixels the warp can read: the output rectangle mapped back into the image,
 * grown by the reach of bilinear sampling and of the pyrDown kernels (2 pixels per level,
 * doubling with each), clipped to the image. Undefined when it misses the image.
 */
function footprint(
  toChip: Similarity,
  width: number,
  height: number,
  imageWidth: number,
  imageHeight: number,
  levels: number,
): Region | undefined {
  const back = invertSimilarity(toChip);
  const corners = [
    { x: -0.5, y: -0.5 },
    { x: width - 0.5, y: -0.5 },
    { x: -0.5, y: height - 0.5 },
    { x: width - 0.5, y: height - 0.5 },
  ].map((p) => applySimilarity(back, p));
  const margin = 2 + 4 * 2 ** levels;
  const x0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.x)) - margin));
  const y0 = Math.max(0, Math.floor(Math.min(...corners.map((p) => p.y)) - margin));
  const x1 = Math.min(imageWidth, Math.ceil(Math.max(...corners.map((p) => p.x)) + margin));
  const y1 = Math.min(imageHeight, Math.ceil(Math.max(...corners.map((p) => p.y)) + margin));
  if (!(x1 > x0 && y1 > y0)) return undefined;
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** Copies `region` out of `img`, dropping alpha when going from 4 to 3 channels. */
function copyRegion(
  img: { width: number; data: Uint8Array },
  inChannels: 1 | 4,
  outChannels: 1 | 3,
  region: Region,
): Uint8Array {
  const out = new Uint8Array(region.width * region.height * outChannels);
  for (let r = 0; r < region.height; r++) {
    const rowStart = ((region.y + r) * img.width + region.x) * inChannels;
    if (inChannels === outChannels) {
      out.set(
        img.data.subarray(rowStart, rowStart + region.width * inChannels),
        r * region.width * outChannels,
      );
      continue;
    }
    for (let c = 0, p = rowStart, o = r * region.width * 3; c < region.width; c++, p += 4) {
      out[o++] = img.data[p]!;
      out[o++] = img.data[p + 1]!;
      out[o++] = img.data[p + 2]!;
    }
  }
  return out;
}
