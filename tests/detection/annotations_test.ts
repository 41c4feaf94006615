import assert from "node:assert/strict";
import { iou, matchDetections, parseImglabXml, readImglabXml } from "../../lib/detection/mod.ts";
import { DATASETS_URL, datasetTest } from "../_datasets.ts";

const ANNOTATED = new URL("detection/annotated/", DATASETS_URL);

datasetTest(
  "readImglabXml() parses dlib's training and testing sets: 9 photos, 43 faces",
  async () => {
    const sets = [
      ...await readImglabXml(new URL("training.xml", ANNOTATED)),
      ...await readImglabXml(new URL("testing.xml", ANNOTATED)),
    ];
    assert.equal(sets.length, 9);
    assert.equal(sets.reduce((n, s) => n + s.boxes.length, 0), 43);
    const first = sets[0]!;
    assert.equal(first.file, "2007_007763.jpg");
    assert.deepEqual(first.boxes[0], { x: 194, y: 90, width: 37, height: 37 });
  },
);

Deno.test("parseImglabXml() keeps ignore='1' boxes apart and rejects non-numeric fields", () => {
  const xml = `<dataset><images>
    <image file="a.jpg"><box top="1" left="2" width="3" height="4"/>
      <box top='5' left='6' width='7' height='8' ignore='1'/></image>
    <image file='empty.jpg'/>
  </images></dataset>`;
  const [a, empty] = parseImglabXml(xml);
  assert.deepEqual(a?.boxes, [{ x: 2, y: 1, width: 3, height: 4 }]);
  assert.deepEqual(a?.ignore, [{ x: 6, y: 5, width: 7, height: 8 }]);
  assert.deepEqual(empty, { file: "empty.jpg", boxes: [], ignore: [] });
  assert.throws(
    () => parseImglabXml("<image file='x'><box top='a' left='1' width='1' height='1'/></image>"),
    SyntaxError,
  );
});

Deno.test("iou() is 1 for equal boxes, 0 for disjoint ones, symmetric in between", () => {
  const a = { x: 0, y: 0, width: 10, height: 10 };
  assert.equal(iou(a, a), 1);
  assert.equal(iou(a, { x: 10, y: 0, width: 5, height: 5 }), 0);
  const b = { x: 5, y: 5, width: 10, height: 10 };
  assert.equal(iou(a, b), iou(b, a));
  assert.equal(iou(a, b), 25 / 175);
});

Deno.test("matchDetections() pairs one-to-one by best IoU and counts the rest", () => {
  const truth = [{ x: 0, y: 0, width: 10, height: 10 }, { x: 100, y: 0, width: 10, height: 10 }];
  const found = [
    { x: 1, y: 0, width: 10, height: 10 }, // matches truth 0
    { x: 0, y: 1, width: 10, height: 10 }, // duplicate of truth 0: a false positive
    { x: 300, y: 300, width: 10, height: 10 }, // nothing there
    { x: 50, y: 50, width: 10, height: 10 }, // overlaps an ignored face
  ];
  const r = matchDetections(truth, found, 0.5, [{ x: 50, y: 50, width: 10, height: 10 }]);
  assert.equal(r.truePositives, 1);
  assert.equal(r.falsePositives, 2);
  assert.equal(r.falseNegatives, 1);
  assert.deepEqual(r.pairs.map(([t, f]) => [t, f]), [[0, 0]]);
  assert.throws(() => matchDetections(truth, found, 0), RangeError);
});
