/**
 * Pixel buffers passed between layers. Row-major, 8 bits per channel, no padding.
 * @module
 */

/** An 8-bit greyscale image. `data.length === width * height`. */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** An 8-bit RGBA image. `data.length === width * height * 4`. */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** An 8-bit RGB image, 3 bytes per pixel. `data.length === width * height * 3`. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** An axis-aligned box in pixel coordinates of the source image. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Image container formats the decoder accepts. */
export const IMAGE_FORMATS = ["jpeg", "png", "webp", "gif", "pnm", "bmp", "tiff"] as const;
/** One of {@link IMAGE_FORMATS}. */
export type ImageFormat = typeof IMAGE_FORMATS[number];

/** Size of the normalised face crops that all recognizers see (ORL's native size). */
export const FACE_WIDTH = 92;
/** Size of the normalised face crops that all recognizers see (ORL's native size). */
export const FACE_HEIGHT = 112;
