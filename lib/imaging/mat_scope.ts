/**
 * Deterministic cleanup for OpenCV.js objects, plus a live-object counter the tests read.
 *
 * Why: every Mat, RectVector, CascadeClassifier... lives on the WASM heap and is only freed
 * by `.delete()`. Tracking them in a scope that `using` disposes makes a forgotten delete
 * impossible, and the counter lets tests prove that nothing we allocate outlives a call.
 * The counter covers only objects passed through {@link MatScope.track} (all that the
 * imaging and detection layers create), not objects other code makes.
 * @module
 */

/** Anything with an emscripten-style `delete()`. */
export interface Deletable {
  /** Frees the object's memory in the WebAssembly heap. */
  delete(): void;
}

let live = 0;

/**
 * How many tracked OpenCV objects are currently alive. Returns to its previous value once
 * every scope that tracked objects has been disposed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { liveMatCount } from "./mat_scope.ts";
 * assert.ok(liveMatCount() >= 0);
 * ```
 */
export function liveMatCount(): number {
  return live;
}

/**
 * Collects OpenCV objects and deletes them, newest first, when disposed. Disposing twice is
 * safe.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { MatScope, liveMatCount } from "./mat_scope.ts";
 * const before = liveMatCount();
 * {
 *   using scope = new MatScope();
 *   scope.track({ delete() {} });
 *   assert.equal(liveMatCount(), before + 1);
 * }
 * assert.equal(liveMatCount(), before);
 * ```
 */
export class MatScope implements Disposable {
  #items: Deletable[] = [];

  /** Registers `obj` for deletion and returns it, so `const m = scope.track(new cv.Mat())`. */
  track<T extends Deletable>(obj: T): T {
    this.#items.push(obj);
    live++;
    return obj;
  }

  /** Deletes every tracked object. */
  [Symbol.dispose](): void {
    const items = this.#items;
    this.#items = [];
    for (let i = items.length - 1; i >= 0; i--) {
      live--;
      try {
        items[i]?.delete();
      } catch {
        // Already deleted by its owner: nothing left to free.
      }
    }
  }
}
