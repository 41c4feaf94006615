import assert from "node:assert/strict";
import { pca, projectRows } from "../../lib/recognition/mod.ts";
import { fromRows } from "../../lib/recognition/_matrix.ts";

const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) < 1e-12, `${what}: expected ${b}, got ${a}`);

Deno.test("pca() with more samples than dimensions diagonalises the 1/N covariance", () => {
  // Centred already; covariance diag(8/4, 2/4).
  const data = fromRows([[2, 0], [-2, 0], [0, 1], [0, -1]]);
  const { mean, eigenvalues, eigenvectors } = pca(data, 0);
  const scores = projectRows(data, mean, eigenvectors);
  assert.deepEqual([...mean], [0, 0]);
  close(eigenvalues[0]!, 2, "lambda 1");
  close(eigenvalues[1]!, 0.5, "lambda 2");
  close(Math.abs(eigenvectors.data[0]!), 1, "axis 1 is x");
  close(Math.abs(eigenvectors.data[3]!), 1, "axis 2 is y");
  close(Math.abs(scores.data[0]!), 2, "score of [2, 0] on x");
  close(Math.abs(scores.data[5]!), 1, "score of [0, 1] on y");
});

Deno.test("pca() with fewer samples than dimensions uses the Gram matrix trick", () => {
  // Centred rows [-1, 0, 1] and [1, 0, -1]: one axis, (-1, 0, 1)/sqrt 2, variance 2.
  const data = fromRows([[1, 2, 3], [3, 2, 1]]);
  const { mean, eigenvalues, eigenvectors } = pca(data, 1);
  assert.deepEqual([...mean], [2, 2, 2]);
  assert.equal(eigenvalues.length, 1);
  close(eigenvalues[0]!, 2, "lambda");
  const s = Math.sign(eigenvectors.data[2]!);
  close(s * eigenvectors.data[0]!, -Math.SQRT1_2, "axis x");
  close(eigenvectors.data[1]!, 0, "axis y");
  close(s * eigenvectors.data[2]!, Math.SQRT1_2, "axis z");
  const scores = projectRows(data, mean, eigenvectors);
  close(Math.abs(scores.data[0]!), Math.SQRT2, "|score of row 0|");
  close(scores.data[0]!, -scores.data[1]!, "rows project to opposite sides");
});
