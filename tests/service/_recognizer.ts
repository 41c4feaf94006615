/**
 * Test helper: a real RecognizerService (its workers included) on a fresh data directory,
 * removed afterwards.
 * @module
 */
import { decodeImage, toGray } from "../../lib/imaging/mod.ts";
import { cropAndResize } from "../../lib/imaging/crop.ts";
import type { ModelState, WireFace } from "../../lib/protocol/messages.ts";
import { loadOpenCV } from "../../wasm/opencv.ts";
import { datasetPath } from "../_datasets.ts";
import { centredChip } from "../recognition/_chips.ts";
import { DEFAULT_LIMITS } from "../../lib/service/limits.ts";
import { createLogger } from "../../lib/service/log.ts";
import { RecognizerService } from "../../lib/service/recognizer_service.ts";

/** Runs `body` with a started recognizer on a temporary data directory (or `dataDir`). */
export async function withRecognizer(
  body: (service: RecognizerService, dataDir: string) => Promise<void>,
  prepare: (dataDir: string) => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  const dataDir = await Deno.makeTempDir({ prefix: "facerec-recognizer-" });
  try {
    await prepare(dataDir);
    await using service = await RecognizerService.start({
      dataDir,
      workers: 1,
      limits: DEFAULT_LIMITS,
      log: createLogger("test", "silent"),
    });
    await body(service, dataDir);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
}

/** The state of one algorithm's model in a reply. */
export function modelOf(states: readonly ModelState[], algorithm: string): ModelState {
  const found = states.find((m) => m.algorithm === algorithm);
  if (!found) throw new Error(`no ${algorithm} model in ${JSON.stringify(states)}`);
  return found;
}

/**
 * A FACE as the detector would send it, cut from the centre of an lfw10 photo (where the LFW
 * funnel puts the face) with a centred chip standing in for YuNet's aligned one.
 */
export async function lfwFace(person: string, index: number): Promise<WireFace> {
  const { cv } = await loadOpenCV();
  const file = `${person}_${String(index).padStart(4, "0")}.jpg`;
  const rgba = decodeImage(await Deno.readFile(datasetPath(`lfw10/${person}/${file}`)));
  const box = { x: 65, y: 65, width: 120, height: 120 };
  return {
    width: 92,
    height: 112,
    pixels: cropAndResize(cv, toGray(rgba), box, 92, 112).data,
    box,
    imageIndex: index,
    chip: { width: 150, height: 150, pixels: centredChip(rgba, 120).data },
    score: 0.9,
    filename: file,
  };
}
