import assert from "node:assert/strict";
import { mean, percentile, round } from "../../lib/evaluation/stats.ts";

Deno.test("percentile() is nearest-rank: sorted[ceil(p·n) - 1], always one of the values", () => {
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.equal(percentile(hundred, 0.5), 50);
  assert.equal(percentile(hundred, 0.99), 99);
  assert.equal(percentile(hundred, 1), 100);
  assert.equal(percentile(hundred, 0.07), 7, "0.07 * 100 is 7.000000000000001 in floats");
  assert.equal(percentile([1, 2, 3, 4], 0.5), 2, "an even count: the lower middle value");
  assert.equal(percentile([5], 0.99), 5);
  assert.equal(percentile([3, 4], 0), 3);
  assert.ok(Number.isNaN(percentile([], 0.5)));
});

Deno.test("percentile() refuses p outside [0, 1] and values out of order", () => {
  assert.throws(() => percentile([1], 1.5), { name: "RangeError", message: /got 1.5/ });
  assert.throws(() => percentile([1], NaN), RangeError);
  assert.throws(() => percentile([2, 1], 0.5), {
    name: "TypeError",
    message: /ascending order, got 2 before 1 at index 1/,
  });
});

Deno.test("round() and mean() do what the reports need", () => {
  assert.equal(round(2.675, 1), 2.7);
  assert.equal(round(-1.26, 1), -1.3);
  assert.equal(round(1234.5, 0), 1235);
  assert.equal(mean([0.25, 0.75]), 0.5);
  assert.ok(Number.isNaN(mean([])));
});
