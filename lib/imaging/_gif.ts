/**
 * First frame of a GIF through omggif, composited onto a transparent canvas the size of the
 * logical screen (pixels the frame does not cover stay RGBA 0,0,0,0).
 * @module
 */
import omggif from "omggif";
import type { RgbaImage } from "./image.ts";

/** The slice of omggif's untyped GifReader that we use. */
interface GifReader {
  readonly width: number;
  readonly height: number;
  numFrames(): number;
  frameInfo(frame: number): { x: number; y: number; width: number; height: number };
  decodeAndBlitFrameRGBA(frame: number, pixels: Uint8Array): void;
}
const Reader = (omggif as unknown as { GifReader: new (buf: Uint8Array) => GifReader }).GifReader;

/** Decodes frame 0 of a GIF to RGBA. Throws on a malformed or truncated block structure. */
export function decodeGifRgba(bytes: Uint8Array): RgbaImage {
  const reader = new Reader(bytes);
  if (reader.numFrames() < 1) throw new Error("GIF holds no image frame: expected at least 1");
  const { width, height } = reader;
  const f = reader.frameInfo(0);
  // omggif would write outside the canvas (or allocate a huge index buffer) for a frame
  // that does not fit the logical screen, so such files are refused here.
  if (f.x + f.width > width || f.y + f.height > height) {
    throw new Error(
      `GIF frame ${f.width}x${f.height}+${f.x}+${f.y} exceeds the ${width}x${height} screen`,
    );
  }
  const data = new Uint8Array(width * height * 4);
  reader.decodeAndBlitFrameRGBA(0, data);
  return { width, height, data };
}
