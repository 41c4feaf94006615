/**
 * The image sizes YuNet runs on for one photo: a bounded first level, and coarser levels
 * for faces too large for the first (see yunet.ts for the measurements behind the numbers).
 * @module
 */

/**
 * A tiny image is enlarged until its shorter side reaches this: YuNet found lfw10 faces
 * cropped to 24x24 in 2 of 100 as they were, in 100 of 100 at twice the size.
 */
export const MIN_SHORT_SIDE = 64;
/**
 * A level whose shorter side exceeds this gets a coarser level below it, so a face filling
 * the frame is at most about this big in some level: YuNet found faces filling 320x320 lfw10
 * crops in 100 of 100, filling 640x640 crops in none.
 */
export const LEVEL_SHORT_SIDE = 320;
/**
 * Size ratio between levels. YuNet covers a range of face sizes of about 10 (30 to 300
 * pixels) in each level, so steps of 3 overlap well, and a level costs a ninth of the one
 * above it.
 */
export const LEVEL_STEP = 3;

/** One level's size in pixels. */
export interface LevelSize {
  readonly width: number;
  readonly height: number;
}

/**
 * Sizes of the pyramid levels for a `width` x `height` image, finest first. The first is the
 * image scaled to fit `maxInputSide` (never enlarged, except that a tiny image is enlarged
 * until its shorter side is {@link MIN_SHORT_SIDE}); each further level is a third of the
 * one before, added while that one's shorter side exceeds {@link LEVEL_SHORT_SIDE}.
 */
export function pyramidSizes(
  width: number,
  height: number,
  maxInputSide: number,
): LevelSize[] {
  const long = Math.max(width, height), short = Math.min(width, height);
  let scale = Math.min(1, maxInputSide / long);
  if (short * scale < MIN_SHORT_SIDE) scale = Math.min(MIN_SHORT_SIDE / short, maxInputSide / long);
  const levels = [{
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  }];
  for (let l = levels[0]!; Math.min(l.width, l.height) > LEVEL_SHORT_SIDE;) {
    l = { width: Math.round(l.width / LEVEL_STEP), height: Math.round(l.height / LEVEL_STEP) };
    levels.push(l);
  }
  return levels;
}
