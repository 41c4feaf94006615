/**
 * Synchronous start of a Squoosh codec (an Emscripten module factory and its .wasm).
 *
 * Why not the packages' own async `decode()`: they fetch the .wasm by URL. We compile the
 * bytes read from the npm package ourselves and instantiate synchronously, which keeps
 * `decodeImage` synchronous and works offline and inside `deno compile` binaries.
 * @module
 */

/** Compiles a codec's .wasm, given as a resolved package specifier's URL. */
export function compileWasm(url: URL): WebAssembly.Module {
  return new WebAssembly.Module(Deno.readFileSync(url));
}

/**
 * Runs an Emscripten `factory` on a compiled `wasm` and returns the module object, its
 * embind exports attached. `what` names the codec in the error when the runtime did not come
 * up synchronously (no `decode` export); `options` go to the factory as module settings.
 */
export function instantiateSync<T>(
  factory: unknown,
  wasm: WebAssembly.Module,
  what: string,
  options: Record<string, unknown> = {},
): T {
  // Emscripten attaches the embind exports to the object it is given; with a synchronous
  // instantiateWasm the runtime is ready before the factory returns.
  const target: Record<string, unknown> = {
    ...options,
    noInitialRun: true,
    instantiateWasm(
      imports: WebAssembly.Imports,
      receive: (instance: WebAssembly.Instance) => void,
    ) {
      const instance = new WebAssembly.Instance(wasm, imports);
      receive(instance);
      return instance.exports;
    },
  };
  void (factory as (m: Record<string, unknown>) => unknown)(target);
  if (typeof target.decode !== "function") {
    throw new Error(`${what} WASM did not initialise synchronously: expected a decode export`);
  }
  return target as T;
}
