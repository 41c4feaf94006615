/**
 * The end-to-end demo: starts a recognizer and a detector as real processes on free
 * ports with a temporary gallery, enrolls people from the fixtures shipped in the repo,
 * identifies held-out photos with each algorithm (plus a stranger and a photo with no
 * face), writes an annotated group photo, prints a results table and shuts down.
 *
 * Usage: deno task demo [--out DIR]
 * @module
 */
import { parseArgs } from "node:util";
import { jsonClient } from "./lib/json_client.ts";
import { bbtEnrollInputs } from "./lib/bbt_fixtures.ts";
import { startStack } from "../tests/_support/services.ts";
import { ALGORITHMS } from "../lib/core/algorithms.ts";

const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;
const ENROLLED = ["s2", "s3", "s4", "s5", "s6", "s7"];
const STRANGER = "s40";
/** The group photo identified at the end; no face crop cut from it is enrolled. */
const GROUP = "bbt5";

const { values } = parseArgs({ options: { out: { type: "string", default: "demo-output" } } });
const outDir = values.out;
await Deno.mkdir(outDir, { recursive: true });

/** Runs the real client in-process with --json; a failure ends the demo. */
async function client(detector: string, ...args: string[]) {
  const run = await jsonClient(detector, ...args);
  if (run.code === 1 || run.code === 64) {
    throw new Error(
      `client ${args.join(" ")} failed (${run.code}): ${JSON.stringify(run.json)} ${run.stderr}`,
    );
  }
  return run;
}

const started = performance.now();
console.log("starting recognizer and detector...");
await using stack = await startStack({ workers: 1 });
const detector = stack.detector.address;
console.log(
  `recognizer on ${stack.recognizer.address}, detector on ${detector}, gallery in ${stack.dataDir}\n`,
);

const person = (dir: string) => `person-${dir}`;
for (const dir of ENROLLED) {
  const images = [1, 2, 3, 4, 5].map((i) => `${FIXTURES}orl/${dir}/${i}.pgm`);
  const { json } = await client(detector, "enroll", person(dir), ...images);
  console.log(`enrolled ${json.name}: ${json.stored}/${images.length} images stored`);
}
for (
  const entry of [...Deno.readDirSync(`${FIXTURES}bbt/people`)].sort((a, b) =>
    a.name < b.name ? -1 : 1
  )
) {
  // The greyscale crops, and colour crops cut from the other group photos.
  const { json } = await client(
    detector,
    "enroll",
    entry.name,
    ...bbtEnrollInputs(entry.name, GROUP),
  );
  console.log(`enrolled ${json.name}: ${json.stored}/${json.images.length} images stored`);
}

interface Row {
  algorithm: string;
  known: number;
  knownTotal: number;
  strangerRejected: number;
  strangerTotal: number;
  noFace: boolean;
}
const rows: Row[] = [];
// dnn, the default, first; then the classic three for comparison.
for (const algorithm of ALGORITHMS) {
  const row: Row = {
    algorithm,
    known: 0,
    knownTotal: 0,
    strangerRejected: 0,
    strangerTotal: 0,
    noFace: false,
  };
  for (const dir of ENROLLED) {
    for (const i of [6, 7]) {
      const { json } = await client(
        detector,
        "identify",
        `${FIXTURES}orl/${dir}/${i}.pgm`,
        "--algorithm",
        algorithm,
      );
      row.knownTotal++;
      if (json.faces[0]?.name === person(dir)) row.known++;
    }
  }
  for (const i of [1, 2, 3, 4, 5, 6, 7]) {
    const { code, json } = await client(
      detector,
      "identify",
      `${FIXTURES}orl/${STRANGER}/${i}.pgm`,
      "--algorithm",
      algorithm,
    );
    if (code === 2) continue; // the detector missed the face: not a probe
    row.strangerTotal++;
    if (json.faces.every((f: { name: string | null }) => f.name === null)) row.strangerRejected++;
  }
  const noFace = await client(
    detector,
    "identify",
    `${FIXTURES}no_face/HappyFish.jpg`,
    "--algorithm",
    algorithm,
  );
  row.noFace = noFace.code === 2 && noFace.json.faces.length === 0;
  rows.push(row);
}

const annotated = `${outDir}/annotated-group.png`;
const group = await client(
  detector,
  "identify",
  `${FIXTURES}bbt/${GROUP}.jpg`,
  "--annotate",
  annotated,
);
const names = group.json.faces.map((f: { name: string | null }) => f.name ?? "unknown");

const pct = (a: number, b: number) => `${a}/${b} (${b ? Math.round((100 * a) / b) : 0}%)`;
console.log(
  "\nResults (held-out ORL photos of enrolled people; a stranger never enrolled; a photo with no face)\n",
);
console.log("algorithm  recognized correctly  stranger rejected  no-face photo returned");
console.log("---------  --------------------  -----------------  ----------------------");
for (const r of rows) {
  console.log(
    `${r.algorithm.padEnd(9)}  ${pct(r.known, r.knownTotal).padEnd(20)}  ${
      pct(r.strangerRejected, r.strangerTotal).padEnd(17)
    }  ${r.noFace ? "yes" : "NO"}`,
  );
}
console.log(
  `\ngroup photo (dnn, the default): ${group.json.faces.length} faces found: ${names.join(", ")}`,
);
console.log(`annotated image written to ${annotated}`);
const stats = await client(detector, "stats");
console.log(
  `gallery: ${stats.json.people} people, ${stats.json.faces} faces; models: ${
    stats.json.models.map((m: { algorithm: string; state: string }) => `${m.algorithm} ${m.state}`)
      .join(", ")
  }`,
);
console.log(
  `\ndemo finished in ${((performance.now() - started) / 1000).toFixed(1)} s; shutting down`,
);
