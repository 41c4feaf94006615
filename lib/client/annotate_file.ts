/**
 * Writes a copy of a photo with each identified face boxed and labelled.
 * @module
 */
import { loadOpenCV } from "../../wasm/opencv.ts";
import { annotate, decodeImage, encodeJpeg, encodePng } from "../imaging/mod.ts";
import type { IdentifiedFace } from "../protocol/messages.ts";

/** Draws the faces on `image` (the encoded bytes that were identified) and saves it. */
export async function annotateFile(
  image: Uint8Array,
  faces: IdentifiedFace[],
  outPath: string,
): Promise<void> {
  const { cv } = await loadOpenCV();
  const decoded = decodeImage(image);
  const labelled = annotate(
    cv,
    decoded,
    faces.map((f) => ({
      box: f.box,
      text: f.name === null ? "unknown" : `${f.name} ${f.distance.toFixed(1)}`,
      known: f.name !== null,
    })),
  );
  const bytes = /\.png$/i.test(outPath) ? encodePng(labelled) : encodeJpeg(labelled, 90);
  await Deno.writeFile(outPath, bytes);
}
