import assert from "node:assert/strict";
import { chiSquareAlt } from "../../lib/recognition/mod.ts";

Deno.test("chiSquareAlt() is 2 * sum (a-b)^2 / (a+b) (OpenCV HISTCMP_CHISQR_ALT)", () => {
  // cv2.compareHist([.5, .5, 0, .25], [1, 0, 0, .25], HISTCMP_CHISQR_ALT) == 1.3333333333333333
  assert.equal(chiSquareAlt([0.5, 0.5, 0, 0.25], [1, 0, 0, 0.25]), 1.3333333333333333);
  assert.equal(chiSquareAlt([1, 0, 2], [0, 1, 2]), 4);
  assert.equal(chiSquareAlt([0, 0, 0], [0, 0, 0]), 0, "empty bins are skipped");
  const a = [0.1, 0.7, 0.2], b = [0.3, 0.3, 0.4];
  assert.equal(chiSquareAlt(a, b), chiSquareAlt(b, a));
  assert.throws(() => chiSquareAlt([1], [1, 2]), {
    name: "TypeError",
    message: "chiSquareAlt: expected histograms of equal length, got 1 and 2",
  });
});
