import assert from "node:assert/strict";
import { datasetPath, datasetTest } from "../_datasets.ts";
import { fileURLToPath } from "node:url";
import * as faceApiModule from "@vladmandic/face-api/dist/face-api.node-wasm.js";
import { decodeImage } from "../../lib/imaging/mod.ts";
import { centredChip } from "./_chips.ts";
import {
  CHIP_SIZE,
  DESCRIPTOR_LENGTH,
  DESCRIPTOR_MODEL,
  FaceDescriptor,
  type RgbImage,
} from "../../lib/recognition/face_descriptor.ts";
import { loadTfjs, readPackageFile, TFJS_WASM_BINARY } from "../../wasm/tfjs.ts";

const REPO = new URL("../../", import.meta.url);
const LFW10 = datasetPath("lfw10/");

/**
 * The LFW funnel leaves the face in roughly the central 110-120 px of the 250x250 photo; a
 * centred 120 px square, resized to the chip, stands in for real alignment here.
 */
const LFW_CROP = 120;

/** A deterministic, face-free test pattern. */
function patternChip(seed: number): RgbImage {
  const data = new Uint8Array(CHIP_SIZE * CHIP_SIZE * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 31 + seed * 97 + ((i / 450) | 0)) % 256;
  return { width: CHIP_SIZE, height: CHIP_SIZE, data };
}

function l2(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += ((a[i] ?? 0) - (b[i] ?? 0)) ** 2;
  return Math.sqrt(s);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
  return m;
}

const { tf } = await loadTfjs();
const descriptor = await FaceDescriptor.create();

Deno.test("FaceDescriptor.compute() gives 128 finite floats, identical on every call", () => {
  assert.equal(DESCRIPTOR_LENGTH, 128);
  assert.equal(DESCRIPTOR_MODEL, "dlib-resnet34-faceapi-1.7.15");
  const chip = patternChip(1);
  const a = descriptor.compute(chip);
  const b = descriptor.compute(chip);
  assert.ok(a instanceof Float32Array);
  assert.equal(a.length, DESCRIPTOR_LENGTH);
  assert.ok(a.every(Number.isFinite));
  assert.deepEqual(b, a);
  assert.notDeepEqual(descriptor.compute(patternChip(2)), a);
  assert.equal(tf.getBackend(), "wasm");
});

Deno.test("FaceDescriptor.compute() equals face-api's own computeFaceDescriptor within 1e-5", async () => {
  // face-api's global net, loaded by face-api itself from the same model folder: an
  // independent path for both the weights and the input tensor.
  const api = faceApiModule as unknown as {
    nets: {
      faceRecognitionNet: { loadFromDisk(dir: string): Promise<void>; dispose(): void };
    };
    computeFaceDescriptor(input: unknown): Promise<Float32Array>;
  };
  const shard = new URL(import.meta.resolve("@vladmandic/face-api/model/"));
  await api.nets.faceRecognitionNet.loadFromDisk(fileURLToPath(shard));
  try {
    for (const seed of [3, 4]) {
      const chip = patternChip(seed);
      const input = tf.tensor3d(chip.data, [CHIP_SIZE, CHIP_SIZE, 3], "int32");
      const theirs = await api.computeFaceDescriptor(input);
      input.dispose();
      const diff = maxAbsDiff(descriptor.compute(chip), theirs);
      assert.ok(diff <= 1e-5, `max |ours - face-api| = ${diff}`);
    }
  } finally {
    api.nets.faceRecognitionNet.dispose();
  }
});

Deno.test("FaceDescriptor.computeBatch() matches compute() chip by chip, in order, across passes", () => {
  const chips = Array.from({ length: 11 }, (_, i) => patternChip(10 + i)); // passes of 8 + 3
  const batch = descriptor.computeBatch(chips);
  assert.equal(batch.length, chips.length);
  for (const [i, chip] of chips.entries()) {
    const one = descriptor.compute(chip);
    const diff = maxAbsDiff(batch[i] as Float32Array, one);
    assert.ok(diff <= 1e-5, `chip ${i}: max |batch - single| = ${diff}`);
  }
  assert.deepEqual(descriptor.computeBatch([]), []);
  // Each result owns its buffer: writing to one cannot change another.
  const [first, second] = batch;
  assert.notEqual(first?.buffer, second?.buffer);
});

Deno.test("FaceDescriptor keeps the tensor count stable across calls and frees it all on dispose", async () => {
  const before = tf.memory().numTensors;
  const local = await FaceDescriptor.create();
  const loaded = tf.memory().numTensors;
  assert.ok(loaded > before, `weights should add tensors: ${before} -> ${loaded}`);
  for (let i = 0; i < 3; i++) local.compute(patternChip(i));
  local.computeBatch([patternChip(5), patternChip(6), patternChip(7)]);
  assert.throws(() => local.compute({ width: 1, height: 1, data: new Uint8Array(3) }), RangeError);
  assert.equal(tf.memory().numTensors, loaded);
  local[Symbol.dispose]();
  local[Symbol.dispose](); // safe twice
  assert.equal(tf.memory().numTensors, before);
  assert.throws(() => local.compute(patternChip(1)), /after dispose/);
});

Deno.test("FaceDescriptor.compute() refuses malformed chips up front, saying what it expected", () => {
  const n = CHIP_SIZE * CHIP_SIZE * 3;
  assert.throws(
    () => descriptor.compute({ width: 112, height: 92, data: new Uint8Array(112 * 92 * 3) }),
    (e: unknown) =>
      e instanceof RangeError && /expected an aligned 150x150 chip, got 112x92/.test(e.message),
  );
  assert.throws(
    () => descriptor.compute({ width: 150, height: 150, data: new Uint8Array(150 * 150 * 4) }),
    (e: unknown) =>
      e instanceof TypeError && /expected 67500 bytes .* got 90000 \(RGBA\?\)/.test(e.message),
  );
  assert.throws(
    () => descriptor.compute({ width: 150, height: 150, data: new Float32Array(n) as never }),
    (e: unknown) => e instanceof TypeError && /Uint8Array, got Float32Array/.test(e.message),
  );
  assert.throws(
    () => descriptor.compute({ width: 150.5, height: 150, data: new Uint8Array(n) }),
    TypeError,
  );
  assert.throws(() => descriptor.compute(null as never), TypeError);
  assert.throws(
    () =>
      descriptor.computeBatch([patternChip(1), {
        width: 150,
        height: 149,
        data: new Uint8Array(n),
      }]),
    (e: unknown) => e instanceof RangeError && /chip 1/.test(e.message),
  );
  assert.throws(() => descriptor.computeBatch(patternChip(1) as never), TypeError);
});

Deno.test("loadTfjs() hands out one wasm handle per isolate", async () => {
  const a = await loadTfjs(), b = await loadTfjs();
  assert.equal(a, b);
  assert.equal(a.backend, "wasm");
  assert.equal(a.binary, TFJS_WASM_BINARY);
  assert.equal(a.tf.getBackend(), "wasm");
});

Deno.test("readPackageFile() reads pinned package files and names the one it cannot read", async () => {
  const wasm = await readPackageFile(`@tensorflow/tfjs-backend-wasm/dist/${TFJS_WASM_BINARY}`);
  assert.ok(WebAssembly.validate(wasm));
  await assert.rejects(
    readPackageFile("@vladmandic/face-api/model/no_such_model.bin"),
    /no_such_model\.bin: expected a readable file at file:/,
  );
  await assert.rejects(readPackageFile("not-a-pinned-package/x.bin"), TypeError);
});

Deno.test("loadTfjs() rejects, rather than falling back to the CPU backend, when the .wasm is unreadable", async () => {
  // A child without read permission cannot read the binary: it must fail loudly, not run on
  // tfjs's CPU backend.
  const tfjsUrl = new URL("wasm/tfjs.ts", REPO).href;
  const script = `import { loadTfjs } from ${JSON.stringify(tfjsUrl)};
    try { const h = await loadTfjs(); console.log("STARTED " + h.tf.getBackend()); }
    catch (e) { console.log("REFUSED " + e.message); }`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--no-prompt",
      "--config",
      fileURLToPath(new URL("deno.json", REPO)),
      `data:application/typescript,${encodeURIComponent(script)}`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  assert.match(text, /^REFUSED .*tfjs-backend-wasm-simd\.wasm: expected a readable file/m, text);
  assert.doesNotMatch(text, /STARTED/);
});

datasetTest({
  name: "FaceDescriptor.computeBatch() puts a person's LFW photos closer than other people's",
  fn: async () => {
    const labels: string[] = [], chips: RgbImage[] = [];
    const people = [...Deno.readDirSync(LFW10)].filter((e) => e.isDirectory).map((e) => e.name);
    for (const person of people.sort()) {
      const files = [...Deno.readDirSync(LFW10 + person)].map((e) => e.name).filter((f) =>
        f.endsWith(".jpg")
      );
      for (const file of files.sort()) {
        const img = decodeImage(await Deno.readFile(`${LFW10}${person}/${file}`));
        chips.push(centredChip(img, LFW_CROP));
        labels.push(person);
      }
    }
    assert.equal(chips.length, 100, "lfw10 holds 10 people x 10 photos");
    const t0 = performance.now();
    const embeddings = descriptor.computeBatch(chips);
    const ms = (performance.now() - t0) / chips.length;

    let correct = 0, same = 0, sameN = 0, other = 0, otherN = 0;
    for (const [i, e] of embeddings.entries()) {
      let best = Infinity, bestLabel = "";
      for (const [j, f] of embeddings.entries()) {
        if (i === j) continue;
        const d = l2(e, f);
        if (labels[i] === labels[j]) [same, sameN] = [same + d, sameN + 1];
        else [other, otherN] = [other + d, otherN + 1];
        if (d < best) [best, bestLabel] = [d, labels[j] ?? ""];
      }
      if (bestLabel === labels[i]) correct++;
    }
    const accuracy = correct / embeddings.length;
    const meanSame = same / sameN, meanOther = other / otherN;
    console.log(
      `lfw10, centred ${LFW_CROP} px crops: leave-one-out 1-NN ${accuracy.toFixed(2)}, mean L2 ` +
        `same ${meanSame.toFixed(3)} vs other ${meanOther.toFixed(3)}, ${ms.toFixed(1)} ms/chip`,
    );
    assert.ok(accuracy >= 0.9, `1-NN accuracy ${accuracy}`);
    assert.ok(meanSame < 0.85 * meanOther, `same ${meanSame} vs other ${meanOther}`);
  },
});
