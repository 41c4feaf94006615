/**
 * Derives the 92x112 landmark template that `alignGray` warps faces onto: YuNet's five
 * landmarks averaged over all 400 ORL images (tightly cropped 92x112 faces, the framing the
 * classic Eigen/Fisher/LBPH benchmarks were built on), then made left-right symmetric about
 * the crop's vertical centre line (x = 45.5 in pixel-centre coordinates): the eyes and mouth
 * corners keep their mean heights and mean half-spacings, the nose tip its mean height.
 *
 * Usage: deno run -A scripts/orl_template.ts [ORL_DIR]   (default ../shared/datasets/orl)
 * Prints the template; lib/detection/align.ts records the result as ORL_TEMPLATE.
 * @module
 */
import { YunetDetector } from "../lib/detection/yunet.ts";
import { decodeImage } from "../lib/imaging/decode.ts";

const dir = Deno.args[0] ?? new URL("../../shared/datasets/orl/", import.meta.url).pathname;
using detector = await YunetDetector.create();
const sum = Array.from({ length: 10 }, () => 0);
let n = 0, width = 0, height = 0;
const people = [...Deno.readDirSync(dir)].filter((e) => e.isDirectory).map((e) => e.name).sort();
for (const person of people) {
  for (const file of [...Deno.readDirSync(`${dir}/${person}`)].map((e) => e.name).sort()) {
    const image = decodeImage(Deno.readFileSync(`${dir}/${person}/${file}`));
    [width, height] = [image.width, image.height];
    const face = detector.detect(image)[0];
    if (!face?.landmarks) throw new Error(`${person}/${file}: expected a face, got none`);
    face.landmarks.forEach((p, i) => {
      sum[2 * i] = sum[2 * i]! + p.x;
      sum[2 * i + 1] = sum[2 * i + 1]! + p.y;
    });
    n++;
  }
}
const mean = sum.map((v) => v / n);
const [ex0, ey0, ex1, ey1, , ny, mx0, my0, mx1, my1] = mean as [
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
  number,
];
const cx = (width - 1) / 2;
const eyeHalf = (ex1 - ex0) / 2, mouthHalf = (mx1 - mx0) / 2;
const eyeY = (ey0 + ey1) / 2, mouthY = (my0 + my1) / 2;
const round = (v: number) => Math.round(v * 100) / 100;
console.log(`${n} ORL images, ${width}x${height}`);
console.log("mean landmarks:", JSON.stringify(mean.map(round)));
console.log(
  "symmetric template:",
  JSON.stringify([
    { x: round(cx - eyeHalf), y: round(eyeY) },
    { x: round(cx + eyeHalf), y: round(eyeY) },
    { x: round(cx), y: round(ny) },
    { x: round(cx - mouthHalf), y: round(mouthY) },
    { x: round(cx + mouthHalf), y: round(mouthY) },
  ]),
);
