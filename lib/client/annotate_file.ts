/**
 * Writes a copy of a photo with each identified face boxed and labelled.
 * @module
 */
import { loadOpenCV } from "../../wasm/opencv.ts";
import { annotate, decodeImage, encodeJpeg, encodePng, fitRgba } from "../imaging/mod.ts";
import { knownDistance } from "../protocol/distance.ts";
import type { IdentifiedFace } from "../protocol/messages.ts";

/**
 * Longest side of an annotated image: a 6000x4000 photo annotated at full size is a PNG of
 * tens of MB that no one looks at at that size; labels stay readable at this one.
 */
export const MAX_ANNOTATED_SIDE = 1600;

/** Draws the faces on `image` (the encoded bytes that were identified) and saves it. */
export async function annotateFile(
  image: Uint8Array,
  faces: IdentifiedFace[],
  outPath: string,
): Promise<void> {
  const { cv } = await loadOpenCV();
  const { image: fitted, scale } = fitRgba(cv, decodeImage(image), MAX_ANNOTATED_SIDE);
  const labelled = annotate(
    cv,
    fitted,
    faces.map((f) => ({
      box: {
        x: Math.round(f.box.x * scale),
        y: Math.round(f.box.y * scale),
        width: Math.max(1, Math.round(f.box.width * scale)),
        height: Math.max(1, Math.round(f.box.height * scale)),
      },
      text: f.name === null ? "unknown" : `${f.name} ${label(knownDistance(f.distance))}`,
      known: f.name !== null,
    })),
  );
  const bytes = /\.png$/i.test(outPath) ? encodePng(labelled) : encodeJpeg(labelled, 90);
  await Deno.writeFile(outPath, bytes);
}

/** A distance as the labels show it: two decimals below 10, one above. */
function label(distance: number | undefined): string {
  if (distance === undefined) return "";
  return distance < 10 ? distance.toFixed(2) : distance.toFixed(1);
}
