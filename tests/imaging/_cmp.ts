import jpeg from "jpeg-js";
import { decodeGray } from "../../lib/imaging/mod.ts";
import { HaarDetector } from "../../lib/detection/mod.ts";
using det = await HaarDetector.create();
const d = "/work/shared/datasets/detection/annotated/";
function stats(a: Uint8Array, b: Uint8Array) { let m = 0, s = 0, c = 0; for (let i = 0; i < a.length; i++) { const x = Math.abs(a[i]! - b[i]!); m = Math.max(m, x); s += x; if (x) c++; } return `max ${m} mean ${(s / a.length).toFixed(3)} diff% ${(100 * c / a.length).toFixed(1)}`; }
for (const e of [...Deno.readDirSync(d)].filter(e => e.name.endsWith(".jpg")).sort((a,b)=>a.name<b.name?-1:1)) {
  const bytes = Deno.readFileSync(d + e.name);
  const g = decodeGray(bytes);
  const y = Deno.readFileSync(`/tmp/t/g/${e.name}.y`), c = Deno.readFileSync(`/tmp/t/g/${e.name}.c`);
  const raw = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false, colorTransform: false });
  const yy = new Uint8Array(g.width * g.height); for (let i = 0; i < yy.length; i++) yy[i] = raw.data[i * 3]!;
  console.log(e.name, "rgb2gray vs imread0:", stats(g.data, y), "| vs bgr2gray:", stats(g.data, c), "| Y vs imread0:", stats(yy, y),
   "| faces rgb", det.detect(g).length, "Y", det.detect({ width: g.width, height: g.height, data: yy }).length, "native-on-cv2", det.detect({ width: g.width, height: g.height, data: y }).length);
}
