import assert from "node:assert/strict";
import { allocateBasis, project, viewBasis } from "../../lib/recognition/_projection.ts";
import { assembleProjectionKernel, renderKernelModule } from "../../scripts/build_wasm.ts";
import { random } from "./_synthetic.ts";

/** out[r] = basis[r] . (pixels - mean), in float64 throughout. */
function reference(
  basis: Float32Array,
  k: number,
  d: number,
  pixels: Uint8Array,
  mean: Float64Array,
) {
  const out = new Float64Array(k);
  for (let r = 0; r < k; r++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += basis[r * d + i]! * (pixels[i]! - mean[i]!);
    out[r] = s;
  }
  return out;
}

function fixture(k: number, d: number, seed: number) {
  const next = random(seed);
  const basis = allocateBasis(k, d);
  for (let i = 0; i < k * d; i++) basis.data[i] = next() * 2 - 1;
  const pixels = Uint8Array.from({ length: d }, () => Math.floor(next() * 256));
  const mean = Float64Array.from({ length: d }, () => next() * 255);
  return { basis, pixels, mean };
}

Deno.test("wasm/projection_wasm.ts is what scripts/build_wasm.ts makes of projection.wat", async () => {
  const committed = await Deno.readTextFile(
    new URL("../../wasm/projection_wasm.ts", import.meta.url),
  );
  assert.equal(committed, renderKernelModule(await assembleProjectionKernel()));
});

Deno.test("project() equals the float64 dot products for every row and tail shape", () => {
  // k: multiples of 4 and remainders; d: multiples of 8, of 4 only, and ragged tails.
  for (const k of [1, 3, 4, 5, 8, 9]) {
    for (const d of [1, 3, 4, 7, 8, 12, 13, 37, 10304]) {
      const { basis, pixels, mean } = fixture(k, d, 17 * k + d);
      const out = new Float64Array(k);
      project(basis, k, d, pixels, mean, out);
      const want = reference(basis.data, k, d, pixels, mean);
      for (let r = 0; r < k; r++) {
        // float32 lanes: the error grows with sqrt(d) times the size of the terms.
        const scale = 255 * Math.sqrt(d);
        assert.ok(
          Math.abs(out[r]! - want[r]!) <= 1e-5 * scale,
          `k=${k} d=${d} row ${r}: got ${out[r]}, expected ${want[r]}`,
        );
      }
    }
  }
});

Deno.test("project() keeps one kernel per basis and reuses its scratch between calls", () => {
  const a = fixture(6, 50, 1), b = fixture(6, 50, 2);
  const outA = new Float64Array(6), outB = new Float64Array(6), again = new Float64Array(6);
  project(a.basis, 6, 50, a.pixels, a.mean, outA);
  project(b.basis, 6, 50, b.pixels, b.mean, outB);
  project(a.basis, 6, 50, a.pixels, a.mean, again);
  assert.deepEqual(again, outA);
  assert.notDeepEqual(outA, outB);
});

Deno.test("viewBasis() after structuredClone sees the same shared memory, not a copy", () => {
  const { basis, pixels, mean } = fixture(4, 16, 3);
  const posted = structuredClone(basis);
  const view = viewBasis(posted.memory, 4, 16);
  assert.deepEqual(view.data, basis.data);
  basis.data[5] = 123.5;
  assert.equal(view.data[5], 123.5, "a write after cloning shows through: shared, not copied");
  const mine = new Float64Array(4), theirs = new Float64Array(4);
  project(basis, 4, 16, pixels, mean, mine);
  project(view, 4, 16, pixels, mean, theirs);
  assert.deepEqual(theirs, mine);
});

Deno.test("allocateBasis() and viewBasis() refuse sizes they cannot hold", () => {
  assert.throws(() => allocateBasis(70000, 70000), RangeError);
  const { memory } = allocateBasis(2, 2);
  assert.throws(() => viewBasis(memory, 1000, 1000), /expected 4000000 bytes/);
});
