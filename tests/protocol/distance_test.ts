import assert from "node:assert/strict";
import {
  decodeFields,
  decodeResponse,
  encodeResponse,
  HEADER_BYTES,
  type IdentifyResponse,
  knownDistance,
  NO_DISTANCE,
  TAGS,
} from "../../lib/protocol/mod.ts";

const box = { x: 1, y: 2, width: 3, height: 4 };

Deno.test("encodeResponse() sends a match without a distance as the largest finite f64", () => {
  const reply: IdentifyResponse = {
    op: "identify",
    status: "ok",
    faces: [{ box, name: null, algorithm: "lbph", threshold: 73, candidates: [] }],
    imageWidth: 0,
    imageHeight: 0,
  };
  const bytes = encodeResponse(reply);
  const match = decodeFields(bytes.subarray(HEADER_BYTES)).find((f) => f.tag === TAGS.match);
  const distance = (match?.value as { tag: number; value: unknown }[])
    .find((f) => f.tag === TAGS.distance);
  assert.equal(distance?.value, 1.7976931348623157e308);
  // The decoder returns what came, so a reply passed on goes out unchanged.
  const decoded = decodeResponse(bytes);
  assert.ok(decoded.op === "identify" && decoded.status === "ok");
  assert.equal(decoded.faces[0]?.distance, NO_DISTANCE);
  assert.deepEqual(encodeResponse(decoded), bytes);
  assert.equal(knownDistance(decoded.faces[0]?.distance), undefined);
});

Deno.test("encodeResponse() sends an infinitely far candidate as the largest finite f64", () => {
  const reply: IdentifyResponse = {
    op: "identify",
    status: "ok",
    faces: [{
      box,
      name: null,
      distance: Infinity,
      algorithm: "eigen",
      threshold: 2200,
      candidates: [{ name: "Ada", distance: Infinity }],
    }],
    imageWidth: 0,
    imageHeight: 0,
  };
  const decoded = decodeResponse(encodeResponse(reply));
  assert.ok(decoded.op === "identify" && decoded.status === "ok");
  assert.deepEqual(
    [decoded.faces[0]?.distance, decoded.faces[0]?.candidates[0]?.distance],
    [NO_DISTANCE, NO_DISTANCE],
  );
});
