/**
 * The predict-time hot loop of the subspace methods: `out[k] = basis[k] . x` for K rows of a
 * row-major K x D basis. Four rows per pass share each load of `x`. The basis is float32
 * (half the memory; V8 multiplies it as fast as float64), the sums are float64.
 * @module
 */

/** Fills `out` (length K) with the dot products of each basis row with `x` (length D). */
export function projectOnto(
  basis: Float32Array,
  k: number,
  d: number,
  x: Float64Array,
  out: Float64Array,
): void {
  let r = 0;
  for (; r + 3 < k; r += 4) {
    const o0 = r * d, o1 = o0 + d, o2 = o1 + d, o3 = o2 + d;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    for (let i = 0; i < d; i++) {
      const xi = x[i]!;
      s0 += basis[o0 + i]! * xi;
      s1 += basis[o1 + i]! * xi;
      s2 += basis[o2 + i]! * xi;
      s3 += basis[o3 + i]! * xi;
    }
    out[r] = s0;
    out[r + 1] = s1;
    out[r + 2] = s2;
    out[r + 3] = s3;
  }
  for (; r < k; r++) {
    const o = r * d;
    let s0 = 0, s1 = 0;
    let i = 0;
    for (; i + 1 < d; i += 2) {
      s0 += basis[o + i]! * x[i]!;
      s1 += basis[o + i + 1]! * x[i + 1]!;
    }
    if (i < d) s0 += basis[o + i]! * x[i]!;
    out[r] = s0 + s1;
  }
}
