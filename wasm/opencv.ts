/**
 * Loads the OpenCV-WASM runtime (`@techstark/opencv-js`, pinned in deno.json) once per
 * isolate and hands it out wrapped in a plain object.
 *
 * Why the wrapper: the emscripten module object is a thenable whose `then` never settles
 * once the runtime is up, so awaiting it (or returning it from an async function) hangs
 * forever. Callers always receive `{ cv }` and read `.cv` synchronously.
 *
 * @module
 */
import cvModule from "@techstark/opencv-js";
import process from "node:process";

/** The OpenCV.js namespace, with the emscripten helpers its typings omit. */
export type CV = typeof cvModule & {
  FS_createDataFile(
    parent: string,
    name: string,
    data: Uint8Array,
    canRead: boolean,
    canWrite: boolean,
    canOwn: boolean,
  ): void;
  FS_unlink(path: string): void;
  exceptionFromPtr(ptr: number): { msg: string };
};

/** A plain (non-thenable) holder for the OpenCV namespace. */
export interface OpenCVHandle {
  /** The initialised OpenCV.js namespace (`cv.Mat`, `cv.CascadeClassifier`, ...). */
  readonly cv: CV;
}

let pending: Promise<OpenCVHandle> | undefined;

/**
 * Emscripten's Node glue installs process-wide `uncaughtException` and `unhandledRejection`
 * handlers that turn every later error of the program, OpenCV's or not, into
 * "abort(...). Build with -s ASSERTIONS=1 for more info.". The glue runs when this module
 * is imported, so they are removed right here (a bad flag, read before OpenCV is awaited,
 * keeps its text too), and once more when the runtime is up, in case it added them again.
 */
function dropEmscriptenHandlers(): void {
  // One call per event: a union of the two names matches none of `listeners()`'s overloads
  // in Deno's own node types (it does in @types/node, which only some module graphs load).
  const isGlue = (listener: unknown) => /abort|ExitStatus/.test(String(listener));
  for (const listener of process.listeners("uncaughtException")) {
    if (isGlue(listener)) process.removeListener("uncaughtException", listener);
  }
  for (const listener of process.listeners("unhandledRejection")) {
    if (isGlue(listener)) process.removeListener("unhandledRejection", listener);
  }
}
dropEmscriptenHandlers();

/**
 * Resolves once the WASM runtime has initialised. Safe to call many times; the runtime is
 * initialised once per isolate (each worker has its own).
 */
export function loadOpenCV(): Promise<OpenCVHandle> {
  pending ??= new Promise<OpenCVHandle>((resolve) => {
    const mod = cvModule as unknown as CV & { onRuntimeInitialized?: () => void };
    if (typeof (mod as { Mat?: unknown }).Mat === "function") {
      dropEmscriptenHandlers();
      resolve({ cv: mod });
      return;
    }
    mod.onRuntimeInitialized = () => {
      dropEmscriptenHandlers();
      resolve({ cv: mod });
    };
  });
  return pending;
}

/**
 * Turns whatever OpenCV threw into an Error with readable text. OpenCV.js throws raw
 * numbers (pointers to C++ exceptions); `exceptionFromPtr` recovers their message.
 */
export function openCVError(cv: CV, thrown: unknown, context: string): Error {
  if (typeof thrown === "number") {
    let text: string;
    try {
      text = cv.exceptionFromPtr(thrown).msg;
    } catch {
      text = `OpenCV exception ${thrown}`;
    }
    return new Error(`${context}: ${text}`);
  }
  if (thrown instanceof Error) return new Error(`${context}: ${thrown.message}`, { cause: thrown });
  return new Error(`${context}: ${String(thrown)}`);
}

/** Path of a bundled asset (cascade XML etc.) next to this file. */
export function assetUrl(name: string): URL {
  return new URL(`./${name}`, import.meta.url);
}

let written = new Set<string>();

/**
 * Copies a bundled asset into the emscripten virtual file system (once) and returns the
 * path OpenCV should open. Needed because `CascadeClassifier.load` only reads from that FS.
 */
export async function mountAsset(cv: CV, name: string): Promise<string> {
  const path = `/${name}`;
  if (!written.has(path)) {
    const bytes = await Deno.readFile(assetUrl(name));
    try {
      cv.FS_unlink(path);
    } catch {
      // absent: nothing to replace
    }
    cv.FS_createDataFile("/", name, bytes, true, false, false);
    written = new Set([...written, path]);
  }
  return path;
}
