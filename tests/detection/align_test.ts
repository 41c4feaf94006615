import assert from "node:assert/strict";
import {
  alignChip,
  alignGray,
  applySimilarity,
  DLIB_CHIP_TEMPLATE,
  fitSimilarity,
  type Landmarks,
  ORL_TEMPLATE,
  type Point,
  YunetDetector,
} from "../../lib/detection/mod.ts";
import {
  encodePng,
  type GrayImage,
  liveMatCount,
  type RgbaImage,
  type RgbImage,
  toGray,
} from "../../lib/imaging/mod.ts";
import { loadOpenCV } from "../../wasm/opencv.ts";
import { datasetImage, personFiles } from "./_datasets.ts";
import { datasetTest } from "../_datasets.ts";

const { cv } = await loadOpenCV();
const detector = await YunetDetector.create();

/**
 * The template computed independently from dlib's constants (python, from
 * get_face_chip_details' mean_face_shape_x/y at davisking/dlib 3d40bf57): eye centres are
 * the means of points 36-41 and 42-47, then (v + 0.25) / 1.5 * 150.
 */
const DLIB_EXPECTED: [number, number][] = [
  [47.54918333333333, 46.599033333333345],
  [100.47613333333332, 46.599033333333324],
  [74.0127, 76.5625],
  [50.414899999999996, 103.02329999999999],
  [97.6104, 103.02329999999999],
];

/** An RGBA image of Gaussian dots (sigma in pixels) on black, at the given points. */
function dots(width: number, height: number, points: readonly Point[], sigma: number): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let v = 0;
      for (const p of points) v += Math.exp(-((x - p.x) ** 2 + (y - p.y) ** 2) / (2 * sigma ** 2));
      const o = (y * width + x) * 4;
      data[o] = data[o + 1] = data[o + 2] = Math.min(255, Math.round(255 * v));
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}

/** Intensity-weighted centre of the first channel in a window around `near`. */
function centroid(img: RgbImage | GrayImage, channels: number, near: Point, r: number): Point {
  let sx = 0, sy = 0, s = 0;
  for (let y = Math.round(near.y - r); y <= Math.round(near.y + r); y++) {
    for (let x = Math.round(near.x - r); x <= Math.round(near.x + r); x++) {
      const v = img.data[(y * img.width + x) * channels]!;
      sx += v * x;
      sy += v * y;
      s += v;
    }
  }
  return { x: sx / s, y: sy / s };
}

function rgbToRgba(img: RgbImage): RgbaImage {
  const out = new Uint8Array(img.width * img.height * 4);
  for (let i = 0, j = 0; i < img.data.length; i += 3, j += 4) {
    out[j] = img.data[i]!;
    out[j + 1] = img.data[i + 1]!;
    out[j + 2] = img.data[i + 2]!;
    out[j + 3] = 255;
  }
  return { width: img.width, height: img.height, data: out };
}

function grayToRgba(img: GrayImage): RgbaImage {
  const out = new Uint8Array(img.width * img.height * 4);
  img.data.forEach((v, i) => {
    out[4 * i] = out[4 * i + 1] = out[4 * i + 2] = v;
    out[4 * i + 3] = 255;
  });
  return { width: img.width, height: img.height, data: out };
}

/** Tiles images (all the same size) into one RGBA mosaic, `columns` wide. */
function mosaic(tiles: RgbaImage[], columns: number): RgbaImage {
  const w = tiles[0]!.width, h = tiles[0]!.height;
  const rows = Math.ceil(tiles.length / columns);
  const out = new Uint8Array(columns * w * rows * h * 4).fill(255);
  tiles.forEach((t, k) => {
    const ox = (k % columns) * w, oy = Math.floor(k / columns) * h;
    for (let y = 0; y < h; y++) {
      out.set(t.data.subarray(y * w * 4, (y + 1) * w * 4), ((oy + y) * columns * w + ox) * 4);
    }
  });
  return { width: columns * w, height: rows * h, data: out };
}

Deno.test("DLIB_CHIP_TEMPLATE is dlib's mean face at 150 px with padding 0.25", () => {
  DLIB_CHIP_TEMPLATE.forEach((p, i) => {
    assert.ok(Math.abs(p.x - DLIB_EXPECTED[i]![0]) < 1e-9, `x${i}: ${p.x}`);
    assert.ok(Math.abs(p.y - DLIB_EXPECTED[i]![1]) < 1e-9, `y${i}: ${p.y}`);
  });
  // The mean face is symmetric about x = 0.490127 (74.01 px) to 4 digits: eyes and mouth
  // corners mirror.
  const axis = DLIB_CHIP_TEMPLATE[2].x;
  assert.ok(Math.abs(DLIB_CHIP_TEMPLATE[0].x + DLIB_CHIP_TEMPLATE[1].x - 2 * axis) < 1e-3);
  assert.ok(Math.abs(DLIB_CHIP_TEMPLATE[3].x + DLIB_CHIP_TEMPLATE[4].x - 2 * axis) < 1e-3);
  assert.ok(Object.isFrozen(DLIB_CHIP_TEMPLATE) && Object.isFrozen(ORL_TEMPLATE));
});

Deno.test("alignChip() and alignGray() put each landmark exactly where the similarity sends it", () => {
  // Dots at known landmark positions, the face drawn at 0.5x to 9.7x the chip's scale and
  // rotated (up to 3 rad, nearly upside down): 2x and more also runs the pyramid (1-3 levels).
  for (const [s, angle] of [[1, 0.2], [0.5, -0.4], [2, 0.3], [4.3, 0.1], [9.7, -0.2], [1.37, 3]]) {
    const a = Math.cos(angle!) * s!, b = Math.sin(angle!) * s!, side = Math.round(220 * s!);
    const landmarks = DLIB_CHIP_TEMPLATE.map((p) => ({
      x: a * (p.x - 75) - b * (p.y - 75) + side / 2 + 0.37,
      y: b * (p.x - 75) + a * (p.y - 75) + side / 2 - 0.21,
    })) as unknown as Landmarks;
    const image = dots(side, side, landmarks, 2 * s!);
    const chip = alignChip(cv, image, landmarks);
    assert.equal(chip.data.length, 150 * 150 * 3);
    const toChip = fitSimilarity(landmarks, DLIB_CHIP_TEMPLATE);
    const gray = alignGray(cv, toGray(image), landmarks);
    assert.equal(gray.data.length, 92 * 112);
    const toGrayCrop = fitSimilarity(landmarks, ORL_TEMPLATE);
    for (const p of landmarks) {
      const want = applySimilarity(toChip, p), got = centroid(chip, 3, want, 5);
      assert.ok(Math.hypot(got.x - want.x, got.y - want.y) < 0.1, `chip, scale ${s}`);
      const wantG = applySimilarity(toGrayCrop, p), gotG = centroid(gray, 1, wantG, 3);
      assert.ok(Math.hypot(gotG.x - wantG.x, gotG.y - wantG.y) < 0.1, `gray, scale ${s}`);
    }
  }
});

datasetTest({
  name: "alignChip() brings lfw10 faces onto the template: upright, centred, re-detectable",
  fn: () => {
    const residuals: number[][] = [[], [], [], [], []];
    const redetected: number[] = [];
    const chips: RgbaImage[] = [], grays: RgbaImage[] = [];
    let ms = 0;
    const files = personFiles("lfw10");
    for (const [n, file] of files.entries()) {
      const image = datasetImage(file);
      const face = detector.detect(image)[0]!;
      const t = performance.now();
      const chip = alignChip(cv, image, face.landmarks!);
      ms += performance.now() - t;
      const toChip = fitSimilarity(face.landmarks!, DLIB_CHIP_TEMPLATE);
      face.landmarks!.forEach((p, i) => {
        const q = applySimilarity(toChip, p), t = DLIB_CHIP_TEMPLATE[i]!;
        residuals[i]!.push(Math.hypot(q.x - t.x, q.y - t.y));
      });
      // YuNet again, on the chip: the face is there, upright, where the warp put it.
      const again = detector.detect(rgbToRgba(chip))[0];
      assert.ok(again?.landmarks, `${file}: no face on its chip`);
      const [eyeL, eyeR] = again.landmarks;
      assert.ok(eyeL.x < eyeR.x, `${file}: eyes swapped on the chip`);
      assert.ok(Math.abs(eyeR.y - eyeL.y) < 0.25 * (eyeR.x - eyeL.x), `${file}: tilted chip`);
      again.landmarks.forEach((p, i) => {
        const want = applySimilarity(toChip, face.landmarks![i]!);
        redetected.push(Math.hypot(p.x - want.x, p.y - want.y));
      });
      if (n % 10 === 0) {
        chips.push(rgbToRgba(chip));
        grays.push(grayToRgba(alignGray(cv, toGray(image), face.landmarks!)));
      }
    }
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    const all = residuals.flat().sort((a, b) => a - b);
    console.log(
      `lfw10 landmarks on the chip vs the template (px): mean ${mean(all).toFixed(2)}, median ` +
        `${all[all.length >> 1]!.toFixed(2)}; per landmark ${
          residuals.map((r) => mean(r).toFixed(2)).join(", ")
        }. YuNet re-run on the chips: ${mean(redetected).toFixed(2)} px from the warped ` +
        `landmarks. alignChip ${(ms / files.length).toFixed(2)} ms/face`,
    );
    // Five points, four degrees of freedom: the residual is the face's own shape and pose
    // against the mean face, not an alignment error (the dots test above measures that).
    assert.ok(mean(residuals[0]!) < 3 && mean(residuals[1]!) < 3, "eyes");
    assert.ok(all[all.length >> 1]! < 3, "median");
    // Re-detection moves YuNet's landmarks by a few pixels on any resampled image (about 4 px
    // for a 1.3x rescale of these photos); a wrong warp would be off by tens.
    assert.ok(mean(redetected) < 9, `re-detected ${mean(redetected)}`);
    Deno.writeFileSync("/tmp/facerec_chips.png", encodePng(mosaic(chips, 5)));
    Deno.writeFileSync("/tmp/facerec_gray_chips.png", encodePng(mosaic(grays, 5)));
  },
});

datasetTest({
  name: "alignChip() turns a rotated photo's face upright",
  fn: () => {
    const photo = datasetImage(personFiles("lfw10")[30]!);
    for (const degrees of [-35, 25]) {
      const src = new cv.Mat(photo.height, photo.width, cv.CV_8UC4);
      const m = cv.getRotationMatrix2D(new cv.Point(124.5, 124.5), degrees, 1);
      const dst = new cv.Mat();
      let rotated: RgbaImage;
      try {
        src.data.set(photo.data);
        cv.warpAffine(src, dst, m, new cv.Size(250, 250), cv.INTER_LINEAR, cv.BORDER_REPLICATE);
        rotated = { width: 250, height: 250, data: new Uint8Array(dst.data) };
      } finally {
        dst.delete();
        m.delete();
        src.delete();
      }
      const face = detector.detect(rotated)[0];
      assert.ok(face, `${degrees} degrees: no face in the rotated photo`);
      const chip = detector.detect(rgbToRgba(alignChip(cv, rotated, face.landmarks!)))[0];
      assert.ok(chip, `${degrees} degrees: no face on the chip`);
      const [eyeL, eyeR] = chip.landmarks!;
      const tilt = Math.atan2(eyeR.y - eyeL.y, eyeR.x - eyeL.x) * 180 / Math.PI;
      assert.ok(Math.abs(tilt) < 8, `${degrees} degrees: chip tilted by ${tilt.toFixed(1)}`);
    }
  },
});

Deno.test("alignChip() paints outside the photo black; alignGray() repeats the edge", () => {
  const flat: RgbaImage = { width: 60, height: 60, data: new Uint8Array(60 * 60 * 4).fill(128) };
  // A face whose chip (about 113 px of this image) reaches beyond the 60x60 image.
  const landmarks: Landmarks = [
    { x: 10, y: 20 },
    { x: 50, y: 20 },
    { x: 30, y: 42 },
    { x: 12, y: 60 },
    { x: 48, y: 60 },
  ];
  const chip = alignChip(cv, flat, landmarks);
  assert.deepEqual([...chip.data.subarray(0, 3)], [0, 0, 0]); // a corner, off the photo
  const centre = (75 * 150 + 75) * 3;
  assert.deepEqual([...chip.data.subarray(centre, centre + 3)], [128, 128, 128]);
  const gray = alignGray(cv, toGray(flat), landmarks);
  assert.ok(gray.data.every((v) => v === 128), "replicated border");
});

Deno.test("alignChip() and alignGray() honour other sizes by scaling the template", () => {
  const landmarks: Landmarks = [
    { x: 47.5, y: 46.6 },
    { x: 100.5, y: 46.6 },
    { x: 74, y: 76.6 },
    { x: 50.4, y: 103 },
    { x: 97.6, y: 103 },
  ];
  const image = dots(150, 150, landmarks, 2);
  const chip = alignChip(cv, image, landmarks, 300);
  assert.equal(chip.width, 300);
  assert.equal(chip.data.length, 300 * 300 * 3);
  const eye = centroid(
    chip,
    3,
    { x: 2 * DLIB_CHIP_TEMPLATE[0].x, y: 2 * DLIB_CHIP_TEMPLATE[0].y },
    8,
  );
  assert.ok(
    Math.hypot(eye.x - 2 * DLIB_CHIP_TEMPLATE[0].x, eye.y - 2 * DLIB_CHIP_TEMPLATE[0].y) < 2,
  );
  const gray = alignGray(cv, toGray(image), landmarks, 46, 56);
  assert.deepEqual([gray.width, gray.height, gray.data.length], [46, 56, 46 * 56]);
});

Deno.test("alignChip() and alignGray() reject bad sizes, landmarks and images", () => {
  const image: RgbaImage = { width: 50, height: 50, data: new Uint8Array(50 * 50 * 4) };
  const landmarks: Landmarks = [
    { x: 15, y: 18 },
    { x: 35, y: 18 },
    { x: 25, y: 27 },
    { x: 17, y: 36 },
    { x: 33, y: 36 },
  ];
  assert.throws(() => alignChip(cv, image, landmarks, 0), /positive integer output size/);
  assert.throws(() => alignGray(cv, toGray(image), landmarks, 92, 11.5), RangeError);
  assert.throws(
    () => alignChip(cv, { ...image, data: new Uint8Array(10) }, landmarks),
    (e: unknown) => e instanceof RangeError && /expected 10000 bytes/.test(e.message),
  );
  const same = Array(5).fill({ x: 3, y: 3 }) as unknown as Landmarks;
  assert.throws(() => alignChip(cv, image, same), /distinct source points/);
  assert.throws(
    () => alignChip(cv, image, landmarks.slice(0, 4) as unknown as Landmarks),
    (e: unknown) => e instanceof TypeError && /expected 5 landmarks, got 4/.test(e.message),
  );
  const far = landmarks.map((p) => ({ x: p.x + 5000, y: p.y })) as unknown as Landmarks;
  assert.throws(() => alignChip(cv, image, far), /overlaps the 50x50 image/);
});

Deno.test("alignChip() and alignGray() free their Mats: the live count and the heap stay flat", () => {
  const heapBytes = () => (cv as unknown as { HEAP8: Int8Array }).HEAP8.length;
  const landmarks = DLIB_CHIP_TEMPLATE.map((p) => ({ x: 4 * p.x + 3, y: 4 * p.y + 1 }));
  const image = dots(640, 640, landmarks, 6); // 4x the chip: the pyramid path too
  const run = () => {
    alignChip(cv, image, landmarks as unknown as Landmarks);
    alignGray(cv, toGray(image), landmarks as unknown as Landmarks);
    alignChip(cv, image, DLIB_CHIP_TEMPLATE);
    assert.throws(() => alignChip(cv, image, landmarks as unknown as Landmarks, -1));
  };
  run(); // warm up: the heap settles its size
  const live = liveMatCount();
  const heap = heapBytes();
  for (let i = 0; i < 20; i++) run();
  assert.equal(liveMatCount(), live);
  assert.equal(heapBytes(), heap);
});
