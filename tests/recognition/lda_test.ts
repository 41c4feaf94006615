import assert from "node:assert/strict";
import { lda } from "../../lib/recognition/mod.ts";
import { fromRows } from "../../lib/recognition/_matrix.ts";

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
  assert.throws(() => lda(data, [1, 1, 2, 2], 0), { name: "RangeError", message: /singular/ });
  assert.throws(() => lda(data, [1, 2], 0), {
    name: "TypeError",
    message: "lda: expected 4 labels (one per row), got 2",
  });
});
