/**
 * Loads TensorFlow.js (`@tensorflow/tfjs`, pinned in deno.json) on its WebAssembly backend
 * (`@tensorflow/tfjs-backend-wasm`, same pin) once per isolate, SIMD on and threads off, and
 * hands it out in a plain object. Each worker loads its own copy.
 *
 * Why we give tfjs the `.wasm` bytes ourselves instead of letting it find the file: when its
 * locator misses, `tf.setBackend("wasm")` resolves `false` and tfjs quietly keeps computing on
 * its JavaScript CPU backend, about 15x slower. Here the binary is read from the pinned package
 * with `Deno.readFile` on the URL `import.meta.resolve` gives for it. That URL points into the
 * npm cache under `deno run` and into the embedded npm file system inside a `deno compile`
 * binary, so nothing is fetched from the network at run time, and a missing or corrupt file is
 * an error before tfjs sees it. The backend that ends up active is then checked, never assumed.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";

/** The TensorFlow.js namespace, as pinned in deno.json. */
export type Tf = typeof tf;

/** The one binary we run: SIMD, single-threaded. */
export const TFJS_WASM_BINARY = "tfjs-backend-wasm-simd.wasm";

/** A plain holder for tfjs once its wasm backend is active. */
export interface TfjsHandle {
  /** The tfjs namespace; its active backend is `wasm`. */
  readonly tf: Tf;
  /** Always `"wasm"`: {@link loadTfjs} throws rather than hand out another backend. */
  readonly backend: "wasm";
  /** The backend binary that was loaded. */
  readonly binary: typeof TFJS_WASM_BINARY;
  /** Milliseconds this isolate spent reading the binary and starting the backend. */
  readonly loadMs: number;
}

/** Every name `setWasmPaths` insists on when given a map. */
const WASM_BINARY_NAMES = [
  "tfjs-backend-wasm.wasm",
  "tfjs-backend-wasm-simd.wasm",
  "tfjs-backend-wasm-threaded-simd.wasm",
] as const;

/**
 * Reads a file shipped inside one of the npm packages pinned in deno.json, e.g.
 * `"@vladmandic/face-api/model/face_recognition_model.bin"`. Works under `deno run` and in
 * `deno compile` binaries (which embed whole npm packages); needs read permission on the npm
 * cache under `deno run`.
 *
 * @example
 * ```ts ignore
 * const wasm = await readPackageFile("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm");
 * ```
 */
export async function readPackageFile(specifier: string): Promise<Uint8Array<ArrayBuffer>> {
  let url: URL;
  try {
    url = new URL(import.meta.resolve(specifier));
  } catch (e) {
    throw new TypeError(
      `expected a file of an npm package pinned in deno.json, got ${JSON.stringify(specifier)}`,
      { cause: e },
    );
  }
  if (url.protocol !== "file:") {
    throw new Error(
      `${specifier}: expected it to resolve to a file: URL, got ${url.href} ` +
        "(is a node_modules directory or a non-npm mapping in use?)",
    );
  }
  try {
    return await Deno.readFile(url);
  } catch (e) {
    throw new Error(
      `${specifier}: expected a readable file at ${url.href}, reading it failed: ${
        e instanceof Error ? e.message : String(e)
      }`,
      { cause: e },
    );
  }
}

let pending: Promise<TfjsHandle> | undefined;

/**
 * Resolves once tfjs runs on its wasm backend. Safe to call many times: the backend starts once
 * per isolate. Rejects, with the reason, when the binary cannot be read, the runtime lacks
 * WebAssembly SIMD, or tfjs would end up on any backend but `wasm`; a failure is final for the
 * isolate, since tfjs refuses new wasm paths after an aborted start.
 *
 * @example
 * ```ts ignore
 * const { tf } = await loadTfjs();
 * tf.tidy(() => tf.add(1, 2).dataSync());
 * ```
 */
export function loadTfjs(): Promise<TfjsHandle> {
  pending ??= start();
  return pending;
}

async function start(): Promise<TfjsHandle> {
  const t0 = performance.now();
  // Threads would need worker scripts from blob URLs and SharedArrayBuffer; parallelism here
  // comes from the worker pool, one thread each. tfjs already reports no thread support under
  // Deno (it sees a Node-like process), but we pin it rather than depend on that detection.
  tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  if (simd !== true) {
    throw new Error(
      `tfjs wasm backend: expected WebAssembly SIMD support, got WASM_HAS_SIMD_SUPPORT=${simd}`,
    );
  }
  const bytes = await readPackageFile(`@tensorflow/tfjs-backend-wasm/dist/${TFJS_WASM_BINARY}`);
  // tfjs instantiates the binary in a promise chain without a catch: invalid bytes would hang
  // setBackend and surface as an unhandled rejection, so they are refused here.
  if (!WebAssembly.validate(bytes)) {
    throw new Error(
      `tfjs wasm backend: expected ${TFJS_WASM_BINARY} to be a valid WebAssembly module, ` +
        `got ${bytes.length} bytes that do not validate`,
    );
  }
  const url = URL.createObjectURL(new Blob([bytes], { type: "application/wasm" }));
  try {
    // setWasmPaths wants every name in a map; with SIMD present and threads off the backend
    // only ever asks for the SIMD one, so all three point at it. `true` makes tfjs fetch the
    // blob URL with the global fetch rather than look for a file beside its own script.
    setWasmPaths(Object.fromEntries(WASM_BINARY_NAMES.map((name) => [name, url])), true);
    const ok = await tf.setBackend("wasm");
    await tf.ready();
    const active = tf.getBackend();
    // After a failed start tf.getBackend() can still say "wasm" while ops run elsewhere, so
    // the started backend instance itself must be the one in use.
    const live = tf.findBackend("wasm");
    if (ok !== true || active !== "wasm" || live === null || live !== tf.backend()) {
      throw new Error(
        `tfjs: expected the "wasm" backend to start, got setBackend("wasm") = ${ok} and ` +
          `active backend ${JSON.stringify(active)} (started: ${live !== null}); refusing to ` +
          "run on a slower fallback",
      );
    }
  } finally {
    URL.revokeObjectURL(url);
  }
  return Object.freeze({
    tf,
    backend: "wasm",
    binary: TFJS_WASM_BINARY,
    loadMs: performance.now() - t0,
  });
}
