import assert from "node:assert/strict";
import {
  ALLOWED,
  checkLayers,
  folderOf,
  LAYERS,
  type ModuleGraph,
  type Resolved,
} from "../../scripts/check_layers.ts";

const ROOT = "file:///repo/";

/** A graph from `[importer, imported, line]` edges, as `deno info --json` shapes it. */
function graph(edges: [string, string, number?][], typeOnly: string[] = []): ModuleGraph {
  const modules = new Map<string, { code?: Resolved; type?: Resolved }[]>();
  for (const [from, to, line = 0] of edges) {
    const target: Resolved = {
      specifier: to.includes(":") ? to : ROOT + to,
      span: { start: { line, character: 0 } },
    };
    const list = modules.get(from) ?? [];
    list.push(typeOnly.includes(`${from} ${to}`) ? { type: target } : { code: target });
    modules.set(from, list);
    if (!modules.has(to) && !to.includes(":")) modules.set(to, []);
  }
  return {
    modules: [...modules].map(([path, dependencies]) => ({
      specifier: ROOT + path,
      dependencies,
    })),
  };
}

Deno.test("folderOf() names the folder a file belongs to in the layer table", () => {
  assert.equal(folderOf("detector.ts"), "entry");
  assert.equal(folderOf("lib/service/server.ts"), "lib/service");
  assert.equal(folderOf("lib/mod.ts"), "lib");
  assert.equal(folderOf("wasm/opencv.ts"), "wasm");
  assert.equal(folderOf("scripts/lib/log_lines.ts"), "scripts");
  assert.equal(folderOf("tests/_support/services.ts"), "tests/_support");
  assert.equal(folderOf("tests/e2e/_client.ts"), "tests");
});

Deno.test("checkLayers() accepts imports down the table and inside one folder", () => {
  const ok = graph([
    ["detector.ts", "lib/cli/run_server.ts"],
    ["detector.ts", "wasm/opencv.ts"], // layers may be skipped
    ["scripts/demo.ts", "tests/_support/services.ts"],
    ["lib/service/server.ts", "lib/protocol/mod.ts"],
    ["lib/protocol/mod.ts", "lib/protocol/frame.ts"],
    ["lib/imaging/crop.ts", "npm:fast-png@8.0.0"], // outside the root: not checked
    ["lib/imaging/crop.ts", "node:zlib"],
  ]);
  assert.deepEqual(checkLayers(graph([]), ROOT), []);
  assert.deepEqual(checkLayers(ok, ROOT), []);
});

Deno.test("checkLayers() names every edge that runs up or sideways, with its line", () => {
  const bad = graph([
    ["lib/imaging/crop.ts", "lib/service/log.ts", 4], // up
    ["lib/recognition/lbph.ts", "lib/gallery/gallery.ts", 9], // sideways
    ["lib/evaluation/evaluate.ts", "lib/service/server.ts", 0], // sideways, a layer of two
    ["wasm/opencv.ts", "detector.ts", 2], // from the bottom to the top
    ["scripts/bench.ts", "tests/e2e/_client.ts", 1], // tests/ outside _support: no layer
  ], ["lib/recognition/lbph.ts lib/gallery/gallery.ts"]); // a type-only import counts too
  const violations = checkLayers(bad, ROOT);
  assert.deepEqual(violations.map((v) => `${v.at} -> ${v.imports}: ${v.reason}`), [
    "lib/evaluation/evaluate.ts:1 -> lib/service/server.ts: sideways: lib/evaluation and lib/service are both in layer 3",
    "lib/imaging/crop.ts:5 -> lib/service/log.ts: up: lib/imaging is in layer 6, lib/service in layer 3",
    "lib/recognition/lbph.ts:10 -> lib/gallery/gallery.ts: sideways: lib/recognition and lib/gallery are both in layer 5",
    "scripts/bench.ts:2 -> tests/e2e/_client.ts: tests is in no layer",
    "wasm/opencv.ts:3 -> detector.ts: up: wasm is in layer 7, entry in layer 0",
  ]);
});

Deno.test("checkLayers() skips allow-listed edges, and only those", () => {
  const g = graph([["lib/client/client.ts", "lib/cli/server_flags.ts"]]);
  const allowed = { "lib/client -> lib/cli": "a test's allowance" };
  assert.deepEqual(checkLayers(g, ROOT, LAYERS, allowed), []);
  assert.equal(checkLayers(g, ROOT).length, 1, "the table alone forbids it");
  const reverse = graph([["lib/cli/run_server.ts", "lib/client/client.ts"]]);
  assert.equal(checkLayers(reverse, ROOT, LAYERS, allowed).length, 1, "it has a direction");
});

Deno.test("ALLOWED is empty: the code keeps to the table with no exceptions", () => {
  assert.deepEqual(ALLOWED, {});
});

Deno.test("checkLayers() lets the client and the services reach lib/transport, which does not reach up", () => {
  const ok = graph([
    ["lib/client/context.ts", "lib/transport/mod.ts"],
    ["lib/service/detector_service.ts", "lib/transport/mod.ts"],
    ["lib/transport/_line.ts", "lib/protocol/mod.ts"],
  ]);
  assert.deepEqual(checkLayers(ok, ROOT), []);
  const up = graph([["lib/transport/errors.ts", "lib/service/errors.ts", 1]]);
  assert.deepEqual(checkLayers(up, ROOT).map((v) => v.reason), [
    "up: lib/transport is in layer 4, lib/service in layer 3",
  ]);
});

Deno.test("checkLayers() lets every layer import lib/core, and lib/core import nothing", () => {
  const down = graph([
    ["lib/protocol/codes.ts", "lib/core/algorithms.ts"],
    ["lib/recognition/recognizer.ts", "lib/core/algorithms.ts"],
    ["wasm/opencv.ts", "lib/core/algorithms.ts"],
  ]);
  assert.deepEqual(checkLayers(down, ROOT), []);
  const up = graph([["lib/core/algorithms.ts", "lib/imaging/image.ts", 3]]);
  assert.deepEqual(checkLayers(up, ROOT).map((v) => v.reason), [
    "up: lib/core is in layer 8, lib/imaging in layer 6",
  ]);
});
