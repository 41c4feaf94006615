/**
 * Measures where YuNet puts the five landmarks in ORL's 92x112 face crops, averaged over
 * every image it finds a face in: the template `alignGray` warps faces onto, so that the
 * classic algorithms see YuNet faces framed as ORL frames them.
 *
 *   deno run -A scripts/orl_template.ts [ORL_DIR]
 * @module
 */
import { decodeImage } from "../lib/imaging/mod.ts";
import { YunetDetector } from "../lib/detection/mod.ts";

const dir = Deno.args[0] ?? new URL("../../shared/datasets/orl/", import.meta.url).pathname;
using detector = await YunetDetector.create();
const sum = Array.from({ length: 5 }, () => ({ x: 0, y: 0 }));
let n = 0, missed = 0;
for (const person of [...Deno.readDirSync(dir)].filter((e) => e.isDirectory)) {
  for (const file of [...Deno.readDirSync(`${dir}/${person.name}`)].filter((e) => e.isFile)) {
    const [face] = detector.detect(
      decodeImage(Deno.readFileSync(`${dir}/${person.name}/${file.name}`)),
    );
    if (!face?.landmarks) {
      missed++;
      continue;
    }
    face.landmarks.forEach((p, i) => {
      sum[i]!.x += p.x;
      sum[i]!.y += p.y;
    });
    n++;
  }
}
const mean = sum.map((p) => ({ x: +(p.x / n).toFixed(1), y: +(p.y / n).toFixed(1) }));
console.log(JSON.stringify({ images: n, missed, template: mean }));
