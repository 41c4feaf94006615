/**
 * Draws labelled face boxes onto a copy of an image, for the identify reply and the demo.
 * @module
 */
import type { CV } from "../../wasm/opencv.ts";
import { openCVError } from "../../wasm/opencv.ts";
import { matBytes, rgbaToMat } from "./_mat.ts";
import type { Box, RgbaImage } from "./image.ts";
import { MatScope } from "./mat_scope.ts";

/** One face to draw: its box, its caption and whether it was recognised. */
export interface FaceLabel {
  /** Where the face is, in the image's pixels. */
  box: Box;
  /** The caption drawn above the box. */
  text: string;
  /** Recognised (drawn green) or not (red). */
  known: boolean;
}

const KNOWN = [0, 200, 0, 255];
const UNKNOWN = [220, 0, 0, 255];
const KNOWN_TEXT = [0, 0, 0, 255];
const UNKNOWN_TEXT = [255, 255, 255, 255];
// FONT_HERSHEY_SIMPLEX at scale 1: capital height and descender depth, in pixels.
const CAP_HEIGHT = 22;
const DESCENT = 9;

/** Hershey fonts draw ASCII only: fold accents away, then replace what is left. */
function printable(text: string): string {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[^\x20-\x7e]/g, "?");
}

/** Rendered width of `text`: OpenCV.js lacks getTextSize, so draw it once and measure. */
function textWidth(cv: CV, scope: MatScope, text: string, scale: number, thick: number): number {
  const pad = thick + 2;
  const h = Math.ceil((CAP_HEIGHT + DESCENT) * scale) + 2 * pad;
  const w = Math.ceil(text.length * 34 * scale) + 2 * pad;
  const scratch = scope.track(cv.Mat.zeros(h, w, cv.CV_8UC1));
  const org = new cv.Point(pad, pad + Math.ceil(CAP_HEIGHT * scale));
  cv.putText(scratch, text, org, cv.FONT_HERSHEY_SIMPLEX, scale, [255, 0, 0, 0], thick, cv.LINE_8);
  const px = scratch.data;
  let right = 0;
  for (let y = 0; y < h; y++) {
    for (let x = w - 1; x > right; x--) {
      if (px[y * w + x]) {
        right = x;
        break;
      }
    }
  }
  return Math.max(0, right - pad + 1);
}

/**
 * Returns a copy of `img` with every face box drawn (green when `known`, red otherwise) and
 * its text on a filled bar just above the box, or inside its top edge when there is no room
 * above. Line width and font scale grow with the box, so labels stay legible on large faces
 * and small on small ones.
 *
 * @example
 * ```ts ignore
 * const out = annotate(cv, img, [{ box, text: "Penny 0.42", known: true }]);
 * await Deno.writeFile("out.png", encodePng(out));
 * ```
 */
export function annotate(cv: CV, img: RgbaImage, labels: readonly FaceLabel[]): RgbaImage {
  using scope = new MatScope();
  try {
    const mat = rgbaToMat(cv, scope, img);
    for (const { box, text, known } of labels) {
      const x0 = Math.round(box.x);
      const y0 = Math.round(box.y);
      const x1 = Math.round(box.x + box.width) - 1;
      const y1 = Math.round(box.y + box.height) - 1;
      const size = Math.max(1, Math.min(box.width, box.height));
      const line = Math.max(1, Math.round(size / 50));
      const scale = Math.min(3, Math.max(0.35, size / 180));
      const thick = Math.max(1, Math.round(scale * 1.5));
      const color = known ? KNOWN : UNKNOWN;
      cv.rectangle(mat, new cv.Point(x0, y0), new cv.Point(x1, y1), color, line, cv.LINE_8);
      const caption = printable(text);
      if (caption === "") continue;
      const pad = Math.max(2, Math.round(3 * scale));
      const barH = Math.ceil((CAP_HEIGHT + DESCENT) * scale) + 2 * pad;
      const barW = textWidth(cv, scope, caption, scale, thick) + 2 * pad;
      const top = y0 - barH >= 0 ? y0 - barH : y0;
      cv.rectangle(
        mat,
        new cv.Point(x0, top),
        new cv.Point(x0 + Math.max(barW, line) - 1, top + barH - 1),
        color,
        -1,
        cv.LINE_8,
      );
      const org = new cv.Point(x0 + pad, top + pad + Math.ceil(CAP_HEIGHT * scale));
      const ink = known ? KNOWN_TEXT : UNKNOWN_TEXT;
      cv.putText(mat, caption, org, cv.FONT_HERSHEY_SIMPLEX, scale, ink, thick, cv.LINE_AA);
    }
    return { width: img.width, height: img.height, data: matBytes(mat) };
  } catch (e) {
    throw openCVError(cv, e, "annotate");
  }
}
