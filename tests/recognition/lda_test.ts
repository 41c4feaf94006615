import assert from "node:assert/strict";
import { lda, SingularScatterError } from "../../lib/recognition/mod.ts";
import { fromRows, matrix } from "../../lib/recognition/_matrix.ts";
import { luInverse } from "../../lib/recognition/_lu_inverse.ts";

const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) < 1e-12, `${what}: expected ${b}, got ${a}`);

Deno.test("lda() on two 2-D classes gives inv(Sw) Sb's top eigenvector, hqr2-scaled", () => {
  // Class 0: (0,0) (1,2) (2,1); class 1: the same shifted by (6, 0).
  // Sw = [[4,2],[2,4]], Sb = [[18,0],[0,0]], inv(Sw) Sb = [[6,0],[-3,0]]:
  // eigenvalue 6 with eigenvector (2, -1)/sqrt 5 as the Schur form leaves it.
  const data = fromRows([[0, 0], [1, 2], [2, 1], [6, 0], [7, 2], [8, 1]]);
  const { eigenvalues, eigenvectors } = lda(data, [0, 0, 0, 1, 1, 1], 0);
  assert.equal(eigenvalues.length, 1);
  close(eigenvalues[0]!, 6, "eigenvalue");
  assert.deepEqual([eigenvectors.rows, eigenvectors.cols], [2, 1]);
  close(eigenvectors.data[0]!, 2 / Math.sqrt(5), "x");
  close(eigenvectors.data[1]!, -1 / Math.sqrt(5), "y");
});

Deno.test("lda() rejects one class and singular within-class scatter", () => {
  const data = fromRows([[0, 0], [1, 1], [2, 2], [3, 3]]);
  assert.throws(() => lda(data, [1, 1, 1, 1], 0), {
    name: "RangeError",
    message: "lda: expected at least 2 classes, got 1",
  });
  assert.throws(() => lda(data, [1, 1, 2, 2], 0), (e) => {
    // A RangeError still, for callers that catch bad training sets as such.
    assert.ok(e instanceof SingularScatterError && e instanceof RangeError);
    assert.match(e.message, /singular: expected rank 2 \(its dimension\), got 1/);
    assert.deepEqual([e.name, e.rank, e.dimension], ["SingularScatterError", 1, 2]);
    return true;
  });
  assert.throws(() => lda(data, [1, 2], 0), {
    name: "TypeError",
    message: "lda: expected 4 labels (one per row), got 2",
  });
});

Deno.test("lda() refuses a singular within-class scatter that LU would invert as noise", () => {
  // Within each class the samples lie on the plane z = 0.3 x - 0.7 y (+ a class offset), so
  // Sw has rank 2 of 3; rounding leaves its last LU pivot far above LU's absolute threshold
  // (100 x DBL_EPSILON), so OpenCV's Mat::inv would return an inverse made of noise.
  const rows: number[][] = [], labels: number[] = [];
  for (const [label, dx, dz] of [[0, 0, 0], [1, 5000.1, 7000.3]] as const) {
    for (const [x, y] of [[0.1, 0.2], [1200.3, 300.7], [-700.9, 900.1], [400.4, -1100.6]]) {
      rows.push([x! + dx, y! - dx, 0.3 * x! - 0.7 * y! + dz]);
      labels.push(label);
    }
  }
  const data = fromRows(rows);
  assert.throws(() => lda(data, labels, 0), {
    name: "SingularScatterError",
    rank: 2,
    dimension: 3,
  });
  // What LU makes of the same scatter (class 0 and 1 deviations, summed outer products).
  const sw = matrix(3, 3);
  for (const label of [0, 1]) {
    const members = rows.filter((_, r) => labels[r] === label);
    const mean = [0, 1, 2].map((j) => members.reduce((s, m) => s + m[j]!, 0) / members.length);
    for (const m of members) {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) sw.data[i * 3 + j]! += (m[i]! - mean[i]!) * (m[j]! - mean[j]!);
      }
    }
  }
  const inverse = luInverse(sw);
  assert.ok(Math.max(...inverse.data.map(Math.abs)) > 1e6, "LU inverts the singular scatter");
});
