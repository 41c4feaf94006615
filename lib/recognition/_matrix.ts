/**
 * Dense row-major float64 matrices and the few kernels the subspace methods need, written as
 * plain typed-array loops (faster here than crossing into OpenCV-WASM for every product).
 *
 * @module
 */

/** A dense row-major matrix: element (r, c) is `data[r * cols + c]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** A zero-filled `rows x cols` matrix, or one wrapping `data` (which must fit exactly). */
export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  if (data !== undefined && data.length !== rows * cols) {
    throw new TypeError(
      `Matrix data: expected ${rows * cols} values (${rows}x${cols}), got ${data.length}`,
    );
  }
  return { rows, cols, data: data ?? new Float64Array(rows * cols) };
}

/** Builds a matrix from nested arrays (tests and small examples). */
export function fromRows(rows: readonly (readonly number[])[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const out = matrix(rows.length, cols);
  rows.forEach((row, r) => {
    if (row.length !== cols) {
      throw new TypeError(`Matrix row ${r}: expected ${cols} values, got ${row.length}`);
    }
    out.data.set(row, r * cols);
  });
  return out;
}

/** Dot product of `a[aOff .. aOff+n)` and `b[bOff .. bOff+n)`, four accumulators. */
export function dot(
  a: Float64Array | Float32Array,
  aOff: number,
  b: Float64Array | Float32Array,
  bOff: number,
  n: number,
): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[aOff + i]! * b[bOff + i]!;
    s1 += a[aOff + i + 1]! * b[bOff + i + 1]!;
    s2 += a[aOff + i + 2]! * b[bOff + i + 2]!;
    s3 += a[aOff + i + 3]! * b[bOff + i + 3]!;
  }
  for (; i < n; i++) s0 += a[aOff + i]! * b[bOff + i]!;
  return (s0 + s1) + (s2 + s3);
}

/** `A * A^T` (rows x rows), symmetric, each entry one dot product of two rows. */
export function gramRows(a: Matrix): Matrix {
  const n = a.rows, d = a.cols, out = matrix(n, n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      const v = dot(a.data, i * d, a.data, j * d, d);
      out.data[i * n + j] = v;
      out.data[j * n + i] = v;
    }
  }
  return out;
}

/** `A^T * A` (cols x cols), accumulated row by row so memory is read in order. */
export function gramCols(a: Matrix): Matrix {
  const n = a.rows, d = a.cols, out = matrix(d, d);
  const o = out.data, x = a.data;
  for (let r = 0; r < n; r++) {
    const base = r * d;
    for (let i = 0; i < d; i++) {
      const xi = x[base + i]!;
      if (xi === 0) continue;
      const row = i * d;
      for (let j = i; j < d; j++) o[row + j] = o[row + j]! + xi * x[base + j]!;
    }
  }
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) o[i * d + j] = o[j * d + i]!;
  }
  return out;
}

/** `A * B`. */
export function multiply(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) {
    throw new TypeError(`multiply: expected A.cols === B.rows, got ${a.cols} and ${b.rows}`);
  }
  const out = matrix(a.rows, b.cols);
  const n = b.cols;
  for (let i = 0; i < a.rows; i++) {
    const orow = i * n;
    for (let k = 0; k < a.cols; k++) {
      const aik = a.data[i * a.cols + k]!;
      if (aik === 0) continue;
      const brow = k * n;
      for (let j = 0; j < n; j++) {
        out.data[orow + j] = out.data[orow + j]! + aik * b.data[brow + j]!;
      }
    }
  }
  return out;
}

/** `A^T`. */
export function transpose(a: Matrix): Matrix {
  const out = matrix(a.cols, a.rows);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out.data[j * a.rows + i] = a.data[i * a.cols + j]!;
  }
  return out;
}
