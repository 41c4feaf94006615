/**
 * Issue 12's operations end to end, through the real detector, recognizer and client on
 * lfw10 photos: verify, rename, faces, forget one face and export; and keys with roles.
 */
import assert from "node:assert/strict";
import { startStack } from "../_support/services.ts";
import { datasetTest } from "../_datasets.ts";
import { decodeImage } from "../../lib/imaging/decode.ts";
import { client, DATASETS } from "./_client.ts";

const LFW = `${DATASETS}lfw10/`;
const lfw = (person: string, i: number) =>
  `${LFW}${person}/${person}_${String(i).padStart(4, "0")}.jpg`;
const PEOPLE = [
  "Ariel_Sharon",
  "Arnold_Schwarzenegger",
  "Colin_Powell",
  "Donald_Rumsfeld",
  "George_W_Bush",
  "Gerhard_Schroeder",
  "Hugo_Chavez",
  "Jacques_Chirac",
  "Tony_Blair",
  "Vladimir_Putin",
];
/** The `k`th photo of a person (from 0), in sorted order: not every number exists. */
const photo = (person: string, k: number) =>
  `${LFW}${person}/${[...Deno.readDirSync(`${LFW}${person}`)].map((e) => e.name).sort()[k]}`;
const NO_FACE = `${DATASETS}detection/no_face/HappyFish.jpg`;

datasetTest(
  "verify, rename, faces, forget --face and export work through the client",
  async (t) => {
    await using stack = await startStack({ workers: 1 });
    const detector = stack.detector.address;

    await t.step("verify says same for two photos of one person: exit 0", async () => {
      for (const person of PEOPLE) {
        const { code, json } = await client(detector, "verify", photo(person, 5), photo(person, 6));
        assert.equal(code, 0, `${person}: ${JSON.stringify(json)}`);
        assert.equal(json.same, true);
        assert.equal(json.algorithm, "dnn");
        assert.ok(json.distance < json.threshold);
        assert.deepEqual(json.images.map((i: { faces: number }) => i.faces > 0), [true, true]);
      }
    });

    await t.step("verify says different for two people: exit 3", async () => {
      for (const [i, person] of PEOPLE.entries()) {
        const other = PEOPLE[(i + 1) % PEOPLE.length]!;
        const { code, json } = await client(detector, "verify", photo(person, 5), photo(other, 5));
        assert.equal(code, 3, `${person} vs ${other}: ${JSON.stringify(json)}`);
        assert.equal(json.same, false);
        assert.ok(json.distance >= json.threshold);
      }
    });

    await t.step("verify with a photo without a face: exit 2, nothing compared", async () => {
      const { code, json } = await client(detector, "verify", lfw("Tony_Blair", 6), NO_FACE);
      assert.equal(code, 2, JSON.stringify(json));
      assert.deepEqual([json.same, json.distance, json.threshold], [null, null, null]);
      assert.equal(json.images[1].faces, 0);
    });

    await t.step("verify against an enrolled name", async () => {
      const enrolled = await client(
        detector,
        "enroll",
        "Colin",
        ...[1, 2, 3, 4].map((i) => lfw("Colin_Powell", i)),
        "--largest",
      );
      assert.equal(enrolled.code, 0, JSON.stringify(enrolled.json));
      const same = await client(detector, "verify", lfw("Colin_Powell", 8), "--name", "colin");
      assert.equal(same.code, 0, JSON.stringify(same.json));
      assert.equal(same.json.name, "Colin");
      const other = await client(detector, "verify", lfw("Tony_Blair", 8), "--name", "Colin");
      assert.equal(other.code, 3, JSON.stringify(other.json));
      const unknown = await client(detector, "verify", lfw("Tony_Blair", 8), "--name", "Nobody");
      assert.equal(unknown.code, 1);
      assert.equal(unknown.json.error.status, "notFound");
    });

    await t.step(
      "rename leaves exactly the new name in list; a taken name is refused",
      async () => {
        const tony = await client(
          detector,
          "enroll",
          "Tony",
          lfw("Tony_Blair", 1),
          lfw("Tony_Blair", 2),
          "--largest",
        );
        assert.equal(tony.code, 0, JSON.stringify(tony.json));
        const renamed = await client(detector, "rename", "Colin", "Colin Powell");
        assert.equal(renamed.code, 0, JSON.stringify(renamed.json));
        assert.deepEqual(renamed.json, { name: "Colin", new_name: "Colin Powell" });
        const list = await client(detector, "list");
        assert.deepEqual(list.json.people.map((p: { name: string }) => p.name), [
          "Colin Powell",
          "Tony",
        ]);
        const clash = await client(detector, "rename", "Colin Powell", "TONY");
        assert.equal(clash.code, 1);
        assert.equal(clash.json.error.status, "badRequest");
        assert.match(clash.json.error.message, /"Tony" is already enrolled/);
        const empty = await client(detector, "rename", "Tony", " ");
        assert.equal(empty.code, 64);
        const again = await client(detector, "list");
        assert.deepEqual(again.json.people, list.json.people);
      },
    );

    let ids: number[] = [];
    await t.step("faces lists each stored face with its id, time, source and score", async () => {
      const { code, json } = await client(detector, "faces", "colin powell");
      assert.equal(code, 0, JSON.stringify(json));
      assert.equal(json.name, "Colin Powell");
      assert.equal(json.total, 4);
      ids = json.faces.map((f: { id: number }) => f.id);
      assert.equal(new Set(ids).size, 4);
      for (const [i, face] of json.faces.entries()) {
        assert.equal(face.source, `Colin_Powell_000${i + 1}.jpg`);
        assert.ok(face.score > 0.5 && face.score <= 1, JSON.stringify(face));
        assert.ok(!Number.isNaN(Date.parse(face.created_at)));
        assert.equal(face.aligned, true);
      }
    });

    await t.step("forget NAME --face ID removes exactly that face", async () => {
      const { code, json } = await client(
        detector,
        "forget",
        "Colin Powell",
        "--face",
        String(ids[1]),
      );
      assert.equal(code, 0, JSON.stringify(json));
      assert.deepEqual([json.face_id, json.person_faces], [ids[1], 3]);
      const left = await client(detector, "faces", "Colin Powell");
      assert.deepEqual(left.json.faces.map((f: { id: number }) => f.id), [ids[0], ids[2], ids[3]]);
      const list = await client(detector, "list");
      assert.deepEqual(list.json.people, [{ name: "Colin Powell", faces: 3 }, {
        name: "Tony",
        faces: 2,
      }]);
      const again = await client(detector, "forget", "Colin Powell", "--face", String(ids[1]));
      assert.equal(again.code, 1);
      assert.equal(again.json.error.status, "notFound");
      const bad = await client(detector, "forget", "Colin Powell", "--face", "two");
      assert.equal(bad.code, 64);
    });

    await t.step("export writes the stored chips as PNG files named by face id", async () => {
      const dir = await Deno.makeTempDir({ prefix: "facerec-export-" });
      try {
        const out = `${dir}/colin`;
        const { code, json } = await client(detector, "export", "Colin Powell", out);
        assert.equal(code, 0, JSON.stringify(json));
        assert.equal(json.files.length, 3);
        const names = [...Deno.readDirSync(out)].map((e) => e.name).sort();
        assert.deepEqual(names, [ids[0], ids[2], ids[3]].map((id) => `face-${id}.png`).sort());
        for (const file of json.files) {
          const image = decodeImage(await Deno.readFile(file.path));
          assert.deepEqual([image.width, image.height], [150, 150]);
        }
      } finally {
        await Deno.remove(dir, { recursive: true });
      }
    });
  },
);

datasetTest("keys with roles are enforced on both hops, and never logged", async () => {
  const dir = await Deno.makeTempDir({ prefix: "facerec-keys-" });
  const keys = { admin: "adm-3f9a1c", enroll: "enr-77b2d0", identify: "idn-c41e55" };
  await Deno.writeTextFile(
    `${dir}/tokens`,
    `# facerec keys\n${Object.entries(keys).map(([r, k]) => `${r} ${k}`).join("\n")}\n`,
  );
  try {
    await using stack = await startStack({ workers: 1, extraArgs: ["--tokens", `${dir}/tokens`] });
    const detector = stack.detector.address;
    const as = (role: keyof typeof keys, ...args: string[]) =>
      client(detector, "--token", keys[role], ...args);
    const photos = [1, 2].map((i) => lfw("Hugo_Chavez", i));

    const enrolled = await as("enroll", "enroll", "Hugo", ...photos, "--largest");
    assert.equal(enrolled.code, 0, JSON.stringify(enrolled.json));
    const refusedEnroll = await as("identify", "enroll", "Hugo", ...photos);
    assert.equal(refusedEnroll.code, 1);
    assert.equal(refusedEnroll.json.error.status, "unauthorized");
    assert.equal(
      refusedEnroll.json.error.message,
      "enroll needs the admin or enroll role; this token's role is identify",
    );
    for (const role of ["enroll", "identify"] as const) {
      assert.equal((await as(role, "identify", lfw("Hugo_Chavez", 5))).code, 0, role);
      assert.equal((await as(role, "verify", lfw("Hugo_Chavez", 5), "--name", "Hugo")).code, 0);
      assert.equal((await as(role, "list")).code, 0, role);
    }
    assert.equal((await as("enroll", "faces", "Hugo")).code, 0);
    const faces = await as("identify", "faces", "Hugo");
    assert.equal(
      faces.json.error.message,
      "faces needs the admin or enroll role; this token's role is identify",
    );
    const stats = await as("enroll", "stats");
    assert.equal(
      stats.json.error.message,
      "stats needs the admin or identify role; this token's role is enroll",
    );
    assert.equal((await as("identify", "stats")).code, 0);
    for (const role of ["enroll", "identify"] as const) {
      for (
        const args of [["rename", "Hugo", "Hugo C"], ["forget", "Hugo"], [
          "export",
          "Hugo",
          `${dir}/x`,
        ]]
      ) {
        const refused = await as(role, ...args);
        assert.equal(refused.json.error.status, "unauthorized", `${role} ${args[0]}`);
        assert.match(refused.json.error.message, /needs the admin role/);
      }
    }
    const none = await client(detector, "list");
    assert.equal(none.json.error.message, "missing or wrong token");
    // The admin key may do everything; the refusals above changed nothing.
    assert.equal((await as("admin", "rename", "Hugo", "Hugo Chavez")).code, 0);
    const list = await as("admin", "list");
    assert.deepEqual(list.json.people, [{ name: "Hugo Chavez", faces: 2 }]);
    assert.equal((await as("admin", "forget", "Hugo Chavez")).code, 0);

    assert.match(stack.detector.log(), /unauthorized request refused .*op=faces role=identify/);
    for (const service of [stack.detector, stack.recognizer]) {
      for (const key of Object.values(keys)) {
        assert.ok(!service.log().includes(key), `${service.name} logs no key`);
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
