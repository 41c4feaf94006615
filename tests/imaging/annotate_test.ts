import assert from "node:assert/strict";
import { loadOpenCV } from "../../wasm/opencv.ts";
import { annotate, liveMatCount, type RgbaImage } from "../../lib/imaging/mod.ts";

const { cv } = await loadOpenCV();

function blank(width: number, height: number): RgbaImage {
  return { width, height, data: new Uint8Array(width * height * 4).fill(128) };
}
function px(img: RgbaImage, x: number, y: number): number[] {
  const i = (y * img.width + x) * 4;
  return [...img.data.subarray(i, i + 4)];
}

Deno.test("annotate() draws green known and red unknown boxes on a copy", () => {
  const img = blank(300, 200);
  const before = liveMatCount();
  const out = annotate(cv, img, [
    { box: { x: 40, y: 80, width: 80, height: 80 }, text: "Penny", known: true },
    { box: { x: 180, y: 10, width: 80, height: 80 }, text: "unknown", known: false },
  ]);
  assert.equal(liveMatCount(), before);
  assert.ok(img.data.every((v) => v === 128), "input must not be modified");
  const [r1, g1, b1] = px(out, 40, 120); // left edge of the known box
  assert.ok(g1! > 150 && r1! < 50 && b1! < 50, `known edge ${px(out, 40, 120)}`);
  const [r2, g2] = px(out, 259, 50); // right edge of the unknown box
  assert.ok(r2! > 150 && g2! < 50, `unknown edge ${px(out, 259, 50)}`);
  // Box interiors (below the label bar) and far background stay untouched.
  assert.deepEqual(px(out, 80, 140), [128, 128, 128, 128]);
  assert.deepEqual(px(out, 220, 70), [128, 128, 128, 128]);
  assert.deepEqual(px(out, 150, 190), [128, 128, 128, 128]);
});

Deno.test("annotate() puts the label bar above the box, or inside it at the top edge", () => {
  const out = annotate(cv, blank(300, 200), [
    { box: { x: 40, y: 80, width: 80, height: 80 }, text: "Penny", known: true },
    { box: { x: 180, y: 0, width: 80, height: 80 }, text: "Raj", known: false },
  ]);
  // Above: the bar fills rows just over the box with green (and dark text).
  let filled = 0;
  for (let x = 40; x < 80; x++) if (px(out, x, 75)[1]! > 150 || px(out, x, 75)[1]! < 60) filled++;
  assert.ok(filled > 30, `only ${filled} bar pixels above the known box`);
  // No room above y=0: the bar sits inside the box's top rows.
  let red = 0;
  for (let x = 182; x < 200; x++) if (px(out, x, 3)[0]! > 150) red++;
  assert.ok(red > 10, `only ${red} red bar pixels inside the unknown box`);
  // Outside the boxes (plus the line's half-width) and the label rows, nothing changes.
  let changed = 0;
  for (let y = 0; y < 200; y++) {
    if ((y >= 50 && y < 80) || y < 30) continue; // rows holding the two label bars
    for (let x = 0; x < 300; x++) {
      const inBox = (x >= 38 && x < 122 && y >= 78 && y < 162) || (x >= 178 && x < 262 && y < 82);
      if (!inBox && px(out, x, y)[0] !== 128) changed++;
    }
  }
  assert.equal(changed, 0);
});

Deno.test("annotate() survives boxes hanging off the image and non-ASCII names", () => {
  const out = annotate(cv, blank(100, 100), [
    { box: { x: -20, y: 70, width: 60, height: 60 }, text: "José Ñúñez 李", known: true },
    { box: { x: 90, y: -5, width: 40, height: 40 }, text: "", known: false },
  ]);
  assert.equal(out.data.length, 100 * 100 * 4);
});
