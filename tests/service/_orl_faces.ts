/**
 * Test helper: ORL photos as the detector forwards faces to the recognizer (whole-image
 * boxes; ORL's crops are already 92x112 faces).
 * @module
 */
import { decodeGray } from "../../lib/imaging/decode.ts";
import type { WireFace } from "../../lib/protocol/messages.ts";
import { DATASETS_URL } from "../_datasets.ts";

const ORL = new URL("orl/", DATASETS_URL);

/** Photos `from` to `to` (1-10) of ORL person `person` (1-40). */
export async function orlWireFaces(person: number, from: number, to: number): Promise<WireFace[]> {
  const faces: WireFace[] = [];
  for (let i = from; i <= to; i++) {
    const gray = decodeGray(await Deno.readFile(new URL(`s${person}/${i}.pgm`, ORL)));
    faces.push({
      width: gray.width,
      height: gray.height,
      pixels: gray.data,
      box: { x: 0, y: 0, width: gray.width, height: gray.height },
      imageIndex: 0,
    });
  }
  return faces;
}
