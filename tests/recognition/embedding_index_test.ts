import assert from "node:assert/strict";
import { DnnRecognizer, EmbeddingIndex, loadRecognizer } from "../../lib/recognition/mod.ts";
import { random } from "./_synthetic.ts";

function vectors(n: number, d: number, seed: number): Float32Array[] {
  const next = random(seed);
  return Array.from({ length: n }, () => Float32Array.from({ length: d }, () => next() - 0.5));
}

/** Plain reference: every distance, best per label, sorted. */
function bruteForce(data: Float32Array[], labels: number[], probe: Float32Array) {
  const best = new Map<number, number>();
  data.forEach((v, i) => {
    const d = Math.sqrt(v.reduce((s, x, k) => s + (x - probe[k]!) ** 2, 0));
    const label = labels[i]!;
    if (!best.has(label) || d < best.get(label)!) best.set(label, d);
  });
  return [...best.entries()].sort((a, b) => a[1] - b[1]).map(([label, distance]) => ({
    label,
    distance,
  }));
}

Deno.test("EmbeddingIndex.search() ranks people by their nearest descriptor, as brute force does", () => {
  const data = vectors(300, 128, 7);
  const labels = data.map((_, i) => i % 37);
  const index = new EmbeddingIndex(128, 4); // grows past its first capacity
  index.add(data.slice(0, 100), labels.slice(0, 100));
  index.add(data.slice(100), labels.slice(100));
  assert.equal(index.size, 300);
  for (const probe of vectors(5, 128, 99)) {
    const got = index.search(probe, 10);
    const want = bruteForce(data, labels, probe).slice(0, 10);
    assert.deepEqual(got.map((c) => c.label), want.map((c) => c.label));
    got.forEach((c, i) => assert.ok(Math.abs(c.distance - want[i]!.distance) < 1e-5));
  }
});

Deno.test("EmbeddingIndex.removeLabel() and removeIds() drop exactly the chosen descriptors", () => {
  const data = vectors(6, 4, 3);
  const index = new EmbeddingIndex(4);
  index.add(data, [1, 1, 2, 2, 3, 3], [10, 11, 12, 13, 14, 15]);
  assert.equal(index.removeLabel(2), 2);
  assert.deepEqual(index.ids(), [10, 11, 14, 15]);
  assert.equal(index.removeIds([11, 15, 99]), 2);
  assert.deepEqual(index.ids(), [10, 14]);
  assert.deepEqual([...index.labels()], [1, 3]);
  assert.deepEqual(index.search(data[4]!, 5)[0], { label: 3, distance: 0 });
  index.relabel(3, 8);
  assert.equal(index.search(data[4]!, 1)[0]?.label, 8);
});

Deno.test("EmbeddingIndex.add() refuses wrong lengths, non-finite values and bad labels", () => {
  const index = new EmbeddingIndex(3);
  assert.throws(() => index.add([new Float32Array(2)], [1]), {
    name: "TypeError",
    message: "vectors[0]: expected a Float32Array of 3, got length 2",
  });
  assert.throws(() => index.add([Float32Array.of(0, NaN, 0)], [1]), RangeError);
  assert.throws(() => index.add([new Float32Array(3)], [1.5]), RangeError);
  assert.throws(() => index.add([new Float32Array(3)], []), TypeError);
  assert.deepEqual(index.search(new Float32Array(3)), []);
});

Deno.test("DnnRecognizer holding descriptors only saves, loads and refuses images", () => {
  const r = new DnnRecognizer({ model: "test-model", dimension: 8 });
  const data = vectors(4, 8, 11);
  r.addDescriptors(data, [5, 5, 6, 6], [1, 2, 3, 4]);
  assert.equal(r.sampleCount, 4);
  const back = loadRecognizer(r.save()) as DnnRecognizer;
  assert.equal(back.model, "test-model");
  assert.deepEqual(back.predictDescriptor(data[2]!), r.predictDescriptor(data[2]!));
  assert.deepEqual(back.save(), r.save());
  assert.throws(
    () => r.predict({ width: 1, height: 1, data: Uint8Array.of(1) }),
    /expected an embedder to take images/,
  );
});
