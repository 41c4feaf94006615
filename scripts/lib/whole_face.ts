/**
 * A greyscale image that already is a normalised face crop (ORL's 92x112 photos, synthetic
 * gallery faces), as the detector would forward it to the recognizer.
 * @module
 */
import type { GrayImage } from "../../lib/imaging/image.ts";
import type { WireFace } from "../../lib/protocol/messages.ts";

/** The whole image as one face, its box covering all of it. */
export function wholeImageFace(image: GrayImage): WireFace {
  return {
    width: image.width,
    height: image.height,
    pixels: image.data,
    box: { x: 0, y: 0, width: image.width, height: image.height },
    imageIndex: 0,
  };
}
