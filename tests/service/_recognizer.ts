/**
 * Test helper: a real RecognizerService (its workers included) on a fresh data directory,
 * removed afterwards.
 * @module
 */
import type { ModelState } from "../../lib/protocol/messages.ts";
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
