import assert from "node:assert/strict";
import { loadOpenCV } from "../../wasm/opencv.ts";
import {
  clampBox,
  cropAndResize,
  decodeGray,
  FACE_HEIGHT,
  FACE_WIDTH,
  liveMatCount,
  resizeGray,
} from "../../lib/imaging/mod.ts";
import { datasetTest } from "../_datasets.ts";
import { fixture, repoFixture, shared } from "./_data.ts";

const { cv } = await loadOpenCV();
const orl = decodeGray(repoFixture("orl/s2/1.pgm"));

datasetTest("cropAndResize() matches cv2.resize(img[y:y+h, x:x+w], (W, H)) byte for byte", () => {
  // The crop references were made from ORL s1/1, which the repository does not ship.
  const orl = decodeGray(shared("orl/s1/1.pgm"));
  const down = cropAndResize(cv, orl, { x: 10, y: 20, width: 60, height: 70 }, 23, 28);
  assert.deepEqual(down.data, fixture("crop_down.gray"));
  const up = cropAndResize(
    cv,
    orl,
    { x: 30, y: 40, width: 20, height: 25 },
    FACE_WIDTH,
    FACE_HEIGHT,
  );
  assert.equal(up.width, FACE_WIDTH);
  assert.equal(up.height, FACE_HEIGHT);
  assert.deepEqual(up.data, fixture("crop_up.gray"));
});

Deno.test("cropAndResize() clamps a box that overhangs the image", () => {
  const inside = clampBox({ x: 80, y: -10, width: 40, height: 50 }, orl.width, orl.height);
  assert.deepEqual(inside, { x: 80, y: 0, width: 12, height: 40 });
  const a = cropAndResize(cv, orl, { x: 80, y: -10, width: 40, height: 50 }, 10, 10);
  const b = cropAndResize(cv, orl, inside, 10, 10);
  assert.deepEqual(a.data, b.data);
  assert.throws(
    () => cropAndResize(cv, orl, { x: 200, y: 0, width: 5, height: 5 }, 10, 10),
    RangeError,
  );
  assert.throws(
    () => cropAndResize(cv, orl, { x: 0, y: 0, width: 5, height: 5 }, 0, 10),
    RangeError,
  );
});

Deno.test("resizeGray() of an image to its own size is the identity", () => {
  assert.deepEqual(resizeGray(cv, orl, orl.width, orl.height).data, orl.data);
});

Deno.test("cropAndResize() frees every Mat it makes", () => {
  const before = liveMatCount();
  for (let i = 0; i < 200; i++) {
    cropAndResize(cv, orl, { x: i % 30, y: 5, width: 50, height: 60 }, 92, 112);
  }
  assert.equal(liveMatCount(), before);
});
