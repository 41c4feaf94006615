/**
 * Dense row-major float64 matrices and the few kernels the subspace methods need, written as
 * plain typed-array loops (faster here than crossing into OpenCV-WASM for every product).
 *
 * @module
 */

/** A dense row-major matrix: element (r, c) is `data[r * cols + c]`. */
export interface Matrix {
  /** Number of rows. */
  readonly rows: number;
  /** Number of columns. */
  readonly cols: number;
  /** The `rows * cols` elements, row by row. */
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

/**
 * `A * A^T` (rows x rows), symmetric. Row i meets four earlier rows per pass, so each of
 * its elements is loaded once for four dot products.
 */
export function gramRows(a: Matrix): Matrix {
  const n = a.rows, d = a.cols, out = matrix(n, n);
  const x = a.data, o = out.data;
  const put = (i: number, j: number, v: number) => {
    o[i * n + j] = v;
    o[j * n + i] = v;
  };
  for (let i = 0; i < n; i++) {
    const ri = i * d;
    let j = 0;
    for (; j + 3 <= i; j += 4) {
      const r0 = j * d, r1 = r0 + d, r2 = r1 + d, r3 = r2 + d;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let c = 0; c < d; c++) {
        const v = x[ri + c]!;
        s0 += x[r0 + c]! * v;
        s1 += x[r1 + c]! * v;
        s2 += x[r2 + c]! * v;
        s3 += x[r3 + c]! * v;
      }
      put(i, j, s0);
      put(i, j + 1, s1);
      put(i, j + 2, s2);
      put(i, j + 3, s3);
    }
    for (; j <= i; j++) put(i, j, dot(x, ri, x, j * d, d));
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

/**
 * `A * B`, or its first `rows` rows. Built for a short, wide product (a few dozen rows of A
 * against a B of images): each column of B is gathered once, then four rows of A take their
 * dot products with it, so the inner loop reads two small arrays and writes nothing. Every
 * entry is summed in index order, one term at a time.
 */
export function multiply(a: Matrix, b: Matrix, rows = a.rows): Matrix {
  if (a.cols !== b.rows) {
    throw new TypeError(`multiply: expected A.cols === B.rows, got ${a.cols} and ${b.rows}`);
  }
  const m = a.cols, n = b.cols, out = matrix(rows, n);
  const o = out.data, x = a.data, y = b.data;
  const column = new Float64Array(m);
  for (let j = 0; j < n; j++) {
    for (let k = 0; k < m; k++) column[k] = y[k * n + j]!;
    let i = 0;
    for (; i + 3 < rows; i += 4) {
      const r0 = i * m, r1 = r0 + m, r2 = r1 + m, r3 = r2 + m;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let k = 0; k < m; k++) {
        const v = column[k]!;
        s0 += x[r0 + k]! * v;
        s1 += x[r1 + k]! * v;
        s2 += x[r2 + k]! * v;
        s3 += x[r3 + k]! * v;
      }
      o[i * n + j] = s0;
      o[(i + 1) * n + j] = s1;
      o[(i + 2) * n + j] = s2;
      o[(i + 3) * n + j] = s3;
    }
    for (; i < rows; i++) {
      let s = 0;
      for (let k = 0; k < m; k++) s += x[i * m + k]! * column[k]!;
      o[i * n + j] = s;
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
