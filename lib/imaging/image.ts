/**
 * Pixel buffers passed between layers. Row-major, 8 bits per channel, no padding.
 * @module
 */

/** An 8-bit greyscale image. `data.length === width * height`. */
export interface GrayImage {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** One byte per pixel, row-major. */
  readonly data: Uint8Array;
}

/** An 8-bit RGBA image. `data.length === width * height * 4`. */
export interface RgbaImage {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** Four bytes (R, G, B, A) per pixel, row-major. */
  readonly data: Uint8Array;
}

/** An 8-bit RGB image (no alpha). `data.length === width * height * 3`. */
export interface RgbImage {
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
  readonly height: number;
  /** R, G, B per pixel, row-major, no padding. */
  readonly data: Uint8Array;
}

/** An axis-aligned box in pixel coordinates of the source image. */
export interface Box {
  /** Left edge (column of the first pixel inside). */
  readonly x: number;
  /** Top edge (row of the first pixel inside). */
  readonly y: number;
  /** Width in pixels. */
  readonly width: number;
  /** Height in pixels. */
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
