import assert from "node:assert/strict";
import type { Point } from "../../lib/detection/face.ts";
import {
  applySimilarity,
  fitSimilarity,
  invertSimilarity,
  type Similarity,
} from "../../lib/detection/similarity.ts";

interface ReferenceCase {
  name: string;
  src: Point[];
  dst: Point[];
  matrix: number[];
}
/** numpy lstsq solutions of the linear system, from scripts/similarity_reference.py. */
const REFERENCE: { cases: ReferenceCase[] } = JSON.parse(
  Deno.readTextFileSync(new URL("../fixtures/similarity/reference.json", import.meta.url)),
);

function similarityOf(scale: number, angle: number, tx: number, ty: number): Similarity {
  const a = scale * Math.cos(angle), b = scale * Math.sin(angle);
  return [a, -b, tx, b, a, ty];
}

function assertClose(actual: readonly number[], expected: readonly number[], tol: number) {
  assert.equal(actual.length, expected.length);
  actual.forEach((v, i) =>
    assert.ok(
      Math.abs(v - expected[i]!) <= tol * Math.max(1, Math.abs(expected[i]!)),
      `element ${i}: ${v} vs ${expected[i]} (tol ${tol}); [${actual}] vs [${expected}]`,
    )
  );
}

Deno.test("fitSimilarity() recovers a known transform exactly from noiseless points", () => {
  const truth = similarityOf(1.7, 0.42, -31.5, 12.25);
  const src: Point[] = [
    { x: 47.5, y: 46.6 },
    { x: 100.5, y: 46.6 },
    { x: 74, y: 76.6 },
    { x: 50.4, y: 103 },
    { x: 97.6, y: 103 },
  ];
  const dst = src.map((p) => applySimilarity(truth, p));
  assertClose(fitSimilarity(src, dst), truth, 1e-12);
  // Two points determine a similarity exactly.
  assertClose(fitSimilarity(src.slice(0, 2), dst.slice(0, 2)), truth, 1e-12);
  // Half a turn: the fit must not confuse it with a reflection.
  const flip = similarityOf(0.5, Math.PI, 3, 4);
  assertClose(fitSimilarity(src, src.map((p) => applySimilarity(flip, p))), flip, 1e-12);
});

Deno.test("fitSimilarity() matches numpy's least-squares solution on noisy points", () => {
  assert.equal(REFERENCE.cases.length, 7);
  for (const c of REFERENCE.cases) {
    const m = fitSimilarity(c.src, c.dst);
    try {
      assertClose(m, c.matrix, 1e-9);
    } catch (e) {
      throw new Error(`${c.name}: ${(e as Error).message}`);
    }
  }
});

Deno.test("fitSimilarity() never reflects: mirrored points keep their orientation", () => {
  const src: Point[] = [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 0, y: 5 }, { x: 7, y: 9 }];
  const mirrored = src.map((p) => ({ x: -p.x, y: p.y }));
  const m = fitSimilarity(src, mirrored);
  // A general affine fit would reproduce the mirror exactly (signed area flips); a
  // similarity must keep the triangle's orientation, and fits the mirror only poorly.
  const area = (p: Point[]) =>
    (p[1]!.x - p[0]!.x) * (p[2]!.y - p[0]!.y) - (p[2]!.x - p[0]!.x) * (p[1]!.y - p[0]!.y);
  const mapped = src.map((p) => applySimilarity(m, p));
  assert.ok(area(src) > 0 && area(mapped) >= 0, `areas ${area(src)}, ${area(mapped)}`);
  assert.ok(area(mirrored) < 0);
  const residual = mapped.reduce(
    (s, q, i) => s + Math.hypot(q.x - mirrored[i]!.x, q.y - mirrored[i]!.y),
    0,
  );
  assert.ok(residual > 10, `residual ${residual}`);
});

Deno.test("fitSimilarity() is the least-squares optimum: nudging any parameter costs more", () => {
  const c = REFERENCE.cases.find((r) => r.name.startsWith("five landmarks, 5 px"))!;
  const cost = (m: Similarity) =>
    c.src.reduce((s, p, i) => {
      const q = applySimilarity(m, p);
      return s + (q.x - c.dst[i]!.x) ** 2 + (q.y - c.dst[i]!.y) ** 2;
    }, 0);
  const m = fitSimilarity(c.src, c.dst);
  const best = cost(m);
  const [a, , tx, b, , ty] = m;
  for (
    const [da, db, dx, dy] of [[1e-3, 0, 0, 0], [0, 1e-3, 0, 0], [0, 0, 0.01, 0], [0, 0, 0, 0.01]]
  ) {
    for (const sign of [1, -1]) {
      const a2 = a + sign * da!, b2 = b + sign * db!;
      assert.ok(cost([a2, -b2, tx + sign * dx!, b2, a2, ty + sign * dy!]) > best);
    }
  }
});

Deno.test("fitSimilarity() rejects too few, mismatched, non-finite and degenerate points", () => {
  const p = (x: number, y: number): Point => ({ x, y });
  assert.throws(() => fitSimilarity([p(0, 0)], [p(1, 1)]), RangeError);
  assert.throws(() => fitSimilarity([], []), RangeError);
  assert.throws(
    () => fitSimilarity([p(0, 0), p(1, 0)], [p(0, 0)]),
    (e: unknown) => e instanceof TypeError && /2 and 1/.test(e.message),
  );
  assert.throws(() => fitSimilarity([p(0, 0), p(NaN, 0)], [p(0, 0), p(1, 0)]), RangeError);
  assert.throws(() => fitSimilarity([p(0, 0), p(1, 0)], [p(0, Infinity), p(1, 0)]), RangeError);
  // 0.1 three times: the centroid is off by rounding, still "all equal".
  assert.throws(
    () => fitSimilarity([p(0.1, 0.7), p(0.1, 0.7), p(0.1, 0.7)], [p(0, 0), p(1, 0), p(0, 1)]),
    (e: unknown) => e instanceof RangeError && /distinct source points/.test(e.message),
  );
  assert.throws(
    () => fitSimilarity([p(0, 0), p(1, 0)], [p(5, 5), p(5, 5)]),
    (e: unknown) => e instanceof RangeError && /distinct destination points/.test(e.message),
  );
});

Deno.test("invertSimilarity() undoes the transform and refuses a zero scale", () => {
  const m = similarityOf(2.5, -1.1, 40, -7);
  const inv = invertSimilarity(m);
  for (const p of [{ x: 0, y: 0 }, { x: 13, y: -4 }, { x: 6000, y: 4000 }]) {
    const q = applySimilarity(inv, applySimilarity(m, p));
    assert.ok(Math.abs(q.x - p.x) < 1e-9 && Math.abs(q.y - p.y) < 1e-9, `${q.x},${q.y}`);
  }
  assert.throws(() => invertSimilarity([0, 0, 1, 0, 0, 1]), RangeError);
});
