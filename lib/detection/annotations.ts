/**
 * Ground truth for detection tests and benchmarks: dlib imglab XML
 * (`<image file=...><box top= left= width= height= [ignore='1']/>`) and IoU matching in the
 * style of PASCAL VOC (a detection is a true positive when it overlaps an unclaimed truth
 * box with IoU >= the threshold).
 * @module
 */
import type { Box } from "../imaging/image.ts";

/** The labelled faces of one image. */
export interface AnnotatedImage {
  /** File name relative to the XML file. */
  file: string;
  /** Faces a detector should find. */
  boxes: Box[];
  /** Faces marked `ignore`: finding them is neither a hit nor a false alarm. */
  ignore: Box[];
}

function attrs(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([\w:-]+)\s*=\s*(?:'([^']*)'|"([^"]*)")/g)) {
    out.set(m[1]!, m[2] ?? m[3] ?? "");
  }
  return out;
}

function num(a: Map<string, string>, key: string, where: string): number {
  const v = Number(a.get(key));
  if (!Number.isFinite(v)) {
    throw new SyntaxError(`${where}: expected numeric ${key}, got ${JSON.stringify(a.get(key))}`);
  }
  return v;
}

/**
 * Parses dlib imglab XML into images and boxes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseImglabXml } from "./annotations.ts";
 * const xml = "<images><image file='a.jpg'><box top='1' left='2' width='3' height='4'/></image></images>";
 * const [a] = parseImglabXml(xml);
 * assert.equal(a?.file, "a.jpg");
 * assert.deepEqual(a.boxes, [{ x: 2, y: 1, width: 3, height: 4 }]);
 * ```
 */
export function parseImglabXml(xml: string): AnnotatedImage[] {
  const images: AnnotatedImage[] = [];
  for (const m of xml.matchAll(/<image\b([^>]*?)(\/>|>([\s\S]*?)<\/image>)/g)) {
    const a = attrs(m[1] ?? "");
    const file = a.get("file");
    if (!file) throw new SyntaxError(`expected a file attribute on <image${m[1]}>`);
    const entry: AnnotatedImage = { file, boxes: [], ignore: [] };
    for (const b of (m[3] ?? "").matchAll(/<box\b([^>]*?)\/?>/g)) {
      const ba = attrs(b[1] ?? "");
      const box: Box = {
        x: num(ba, "left", file),
        y: num(ba, "top", file),
        width: num(ba, "width", file),
        height: num(ba, "height", file),
      };
      const ignored = ba.get("ignore");
      (ignored === "1" || ignored === "true" ? entry.ignore : entry.boxes).push(box);
    }
    images.push(entry);
  }
  return images;
}

/** Reads and parses an imglab XML file. */
export async function readImglabXml(path: string | URL): Promise<AnnotatedImage[]> {
  return parseImglabXml(await Deno.readTextFile(path));
}

/**
 * Intersection over union of two boxes, in [0, 1].
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { iou } from "./annotations.ts";
 * assert.equal(iou({ x: 0, y: 0, width: 2, height: 2 }, { x: 1, y: 0, width: 2, height: 2 }), 1 / 3);
 * ```
 */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/** Outcome of {@link matchDetections}. */
export interface MatchResult {
  /** Detections paired with a truth box. */
  truePositives: number;
  /** Detections matching no truth (nor ignored) box. */
  falsePositives: number;
  /** Truth boxes no detection claimed. */
  falseNegatives: number;
  /** `[truthIndex, foundIndex, iou]` for every pair made. */
  pairs: [number, number, number][];
}

/**
 * Pairs detections with truth boxes greedily by descending IoU, one-to-one, keeping pairs
 * with IoU >= `threshold`. Detections that overlap an `ignore` box that well are dropped
 * rather than counted as false positives.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { matchDetections } from "./annotations.ts";
 * const truth = [{ x: 0, y: 0, width: 10, height: 10 }];
 * const found = [{ x: 1, y: 1, width: 10, height: 10 }, { x: 50, y: 50, width: 10, height: 10 }];
 * const r = matchDetections(truth, found);
 * assert.equal(r.truePositives, 1);
 * assert.equal(r.falsePositives, 1);
 * assert.equal(r.falseNegatives, 0);
 * ```
 */
export function matchDetections(
  truth: readonly Box[],
  found: readonly Box[],
  threshold = 0.5,
  ignore: readonly Box[] = [],
): MatchResult {
  if (!(threshold > 0 && threshold <= 1)) {
    throw new RangeError(`expected an IoU threshold in (0, 1], got ${threshold}`);
  }
  const candidates: [number, number, number][] = [];
  truth.forEach((t, ti) =>
    found.forEach((f, fi) => {
      const o = iou(t, f);
      if (o >= threshold) candidates.push([ti, fi, o]);
    })
  );
  candidates.sort((a, b) => b[2] - a[2]);
  const usedTruth = new Set<number>();
  const usedFound = new Set<number>();
  const pairs: [number, number, number][] = [];
  for (const c of candidates) {
    if (usedTruth.has(c[0]) || usedFound.has(c[1])) continue;
    usedTruth.add(c[0]);
    usedFound.add(c[1]);
    pairs.push(c);
  }
  let falsePositives = 0;
  found.forEach((f, fi) => {
    if (usedFound.has(fi)) return;
    if (ignore.some((g) => iou(g, f) >= threshold)) return;
    falsePositives++;
  });
  return {
    truePositives: pairs.length,
    falsePositives,
    falseNegatives: truth.length - pairs.length,
    pairs,
  };
}
