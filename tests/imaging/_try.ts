import { decodeImage, decodeGray } from "../../lib/imaging/decode.ts";
for (const f of [
  "/work/shared/datasets/orl/s1/1.pgm",
  "/work/shared/datasets/bbt/group/bbt1.jpg",
  "/work/shared/datasets/detection/no_face/smarties.png",
  "/tmp/t/x.webp", "/tmp/t/xl.webp",
]) {
  const b = Deno.readFileSync(f);
  const t = performance.now();
  const img = decodeImage(b);
  console.log(f, img.format, img.width, img.height, img.data.slice(0, 8), (performance.now() - t).toFixed(1));
}
for (const f of Deno.readDirSync("/work/shared/datasets/detection/annotated")) {
  if (!f.name.endsWith(".jpg")) continue;
  const b = Deno.readFileSync("/work/shared/datasets/detection/annotated/" + f.name);
  const t = performance.now();
  const g = decodeGray(b);
  console.log(f.name, g.width, g.height, (performance.now() - t).toFixed(1));
  try { decodeImage(b.subarray(0, b.length >> 1)); console.log("truncated decoded!"); } catch (e) { console.log(String(e)); }
}
