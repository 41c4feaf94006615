/**
 * The whole system with its web page: a recognizer, a detector and `ui.ts` as real
 * processes on free ports, for the browser tests and the screenshots.
 * @module
 */
import { type ServiceProcess, type Stack, startService, startStack } from "./services.ts";

/** The services, and the page's server in front of them. */
export interface UiStack extends AsyncDisposable {
  stack: Stack;
  ui: ServiceProcess;
  /** The page, `http://127.0.0.1:PORT/`. */
  url: string;
}

/** Starts the services and the page (with `uiArgs` added to ui.ts's flags). */
export async function startUiStack(uiArgs: string[] = []): Promise<UiStack> {
  const stack = await startStack({ workers: 1 });
  let ui: ServiceProcess;
  try {
    ui = await startService("ui", ["--port", "0", "--detector", stack.detector.address, ...uiArgs]);
  } catch (error) {
    await stack[Symbol.asyncDispose]();
    throw error;
  }
  return {
    stack,
    ui,
    url: `http://127.0.0.1:${ui.port}/`,
    async [Symbol.asyncDispose]() {
      await ui.stop();
      await stack[Symbol.asyncDispose]();
    },
  };
}
