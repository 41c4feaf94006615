import assert from "node:assert/strict";
import { ALGORITHMS, applyThreshold, DEFAULT_THRESHOLDS } from "../../lib/recognition/mod.ts";

Deno.test("DEFAULT_THRESHOLDS has a positive finite threshold per algorithm", () => {
  for (const algorithm of ALGORITHMS) {
    const t = DEFAULT_THRESHOLDS[algorithm];
    assert.ok(Number.isFinite(t) && t > 0, `${algorithm}: ${t}`);
  }
});

Deno.test("applyThreshold() keeps candidates strictly below the threshold, in order", () => {
  const ranked = [{ label: 3, distance: 10 }, { label: 1, distance: 20 }, {
    label: 2,
    distance: 30,
  }];
  assert.deepEqual(applyThreshold(ranked, 20), [{ label: 3, distance: 10 }]);
  assert.deepEqual(applyThreshold(ranked, 5), []);
  assert.deepEqual(applyThreshold(ranked, Infinity), ranked);
  assert.throws(() => applyThreshold(ranked, NaN), RangeError);
});
