/**
 * The predict-time hot loop of the subspace methods, `out[k] = basis[k] . (pixels - mean)`,
 * run by a WebAssembly SIMD kernel (`wasm/projection.wat`). The K x D float32 basis lives in
 * a shared WebAssembly memory of its own: posted to prediction workers, the memory is
 * imported by each worker's kernel instance, so all of them read one copy.
 * @module
 */
import { PROJECTION_WASM_BASE64 } from "../../wasm/projection_wasm.ts";

const PAGE_BYTES = 65536;
const MAX_PAGES = 65536;

/** A K x D float32 basis in a shared WebAssembly memory. */
export interface ProjectionBasis {
  /** The shared memory holding the floats (what is posted to other workers). */
  readonly memory: WebAssembly.Memory;
  /** The K x D floats, a view of `memory` from byte 0. */
  readonly data: Float32Array;
}

/** A zeroed K x D basis in a new shared memory. */
export function allocateBasis(k: number, d: number): ProjectionBasis {
  const bytes = k * d * 4;
  const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
  if (pages > MAX_PAGES) {
    throw new RangeError(`projection basis: expected at most 4 GiB, got ${k} x ${d} floats`);
  }
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  return { memory, data: new Float32Array(memory.buffer, 0, k * d) };
}

/** The basis in `memory` again, e.g. after the memory was posted to this worker. */
export function viewBasis(memory: WebAssembly.Memory, k: number, d: number): ProjectionBasis {
  if (memory.buffer.byteLength < k * d * 4) {
    throw new RangeError(
      `projection basis: expected ${
        k * d * 4
      } bytes, got a ${memory.buffer.byteLength}-byte memory`,
    );
  }
  return { memory, data: new Float32Array(memory.buffer, 0, k * d) };
}

let kernelModule: WebAssembly.Module | undefined;

function kernel(): WebAssembly.Module {
  if (kernelModule === undefined) {
    const bytes = Uint8Array.from(atob(PROJECTION_WASM_BASE64), (c) => c.charCodeAt(0));
    kernelModule = new WebAssembly.Module(bytes);
  }
  return kernelModule;
}

type ProjectFn = (basis0: number, k: number, d: number, x: number, out: number) => void;

/** One kernel instance bound to one basis, with scratch room for a query and its result. */
class Projector {
  readonly #project: ProjectFn;
  readonly #x: Float32Array;
  readonly #out: Float64Array;
  readonly #outOffset: number;

  constructor(basis: ProjectionBasis, readonly k: number, readonly d: number) {
    const instance = new WebAssembly.Instance(kernel(), { model: { basis: basis.memory } });
    const scratch = instance.exports.scratch as WebAssembly.Memory;
    this.#outOffset = Math.ceil((d * 4) / 8) * 8;
    const needed = this.#outOffset + k * 8;
    const pages = Math.ceil(needed / PAGE_BYTES) - scratch.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) scratch.grow(pages);
    this.#x = new Float32Array(scratch.buffer, 0, d);
    this.#out = new Float64Array(scratch.buffer, this.#outOffset, k);
    this.#project = instance.exports.project as ProjectFn;
  }

  project(pixels: ArrayLike<number>, mean: Float64Array, out: Float64Array): void {
    const x = this.#x, d = this.d;
    for (let i = 0; i < d; i++) x[i] = pixels[i]! - mean[i]!;
    this.#project(0, this.k, d, 0, this.#outOffset);
    out.set(this.#out);
  }
}

const projectors = new WeakMap<WebAssembly.Memory, Projector>();

/**
 * Fills `out` (length K) with the projections of `pixels - mean` (length D) onto each row
 * of `basis`. Sums are float32 in SIMD lanes and float64 across them.
 */
export function project(
  basis: ProjectionBasis,
  k: number,
  d: number,
  pixels: ArrayLike<number>,
  mean: Float64Array,
  out: Float64Array,
): void {
  let p = projectors.get(basis.memory);
  if (p === undefined || p.k !== k || p.d !== d) {
    p = new Projector(basis, k, d);
    projectors.set(basis.memory, p);
  }
  p.project(pixels, mean, out);
}
