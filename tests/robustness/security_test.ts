/**
 * Security on the real processes: TLS on both hops with a CA made by `openssl` at test
 * time, the shared token end to end, and the default loopback bind.
 */
import assert from "node:assert/strict";
import { datasetTest } from "../_datasets.ts";
import { parseServerArgs } from "../../lib/cli/server_flags.ts";
import { startService, startStack } from "../_support/services.ts";
import { waitFor } from "../_support/wait.ts";
import { client } from "../e2e/_client.ts";
import { call, exchange, orlPath } from "./_net.ts";
import { encodeRequest } from "../../lib/protocol/mod.ts";

async function openssl(dir: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd: dir, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`openssl ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
}

/** A throwaway CA and a server certificate it signed, for 127.0.0.1 and localhost. */
async function makeCertificates(dir: string) {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await openssl(
    dir,
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=facerec test CA",
  );
  await openssl(
    dir,
    "req",
    ...ec,
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=localhost",
  );
  await Deno.writeTextFile(
    `${dir}/ext.cnf`,
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n" +
      "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
  );
  await openssl(
    dir,
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "2",
    "-extfile",
    "ext.cnf",
  );
  return { ca: `${dir}/ca.pem`, cert: `${dir}/server.pem`, key: `${dir}/server.key` };
}

datasetTest(
  "enroll and identify work over TLS on both hops, and plaintext is refused",
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "facerec-tls-" });
    const { ca, cert, key } = await makeCertificates(dir);
    const tls = ["--tls-cert", cert, "--tls-key", key, "--workers", "1"];
    const recognizer = await startService("recognizer", ["--port", "0", "--data", dir, ...tls]);
    try {
      const detector = await startService("detector", [
        "--port",
        "0",
        "--recognizer",
        recognizer.address,
        "--ca",
        ca,
        ...tls,
      ]);
      try {
        const address = detector.address;
        for (const person of [2, 3]) {
          const images = [1, 2, 3, 4, 5].map((i) => orlPath(person, i));
          const { code, json } = await client(
            address,
            "--ca",
            ca,
            "enroll",
            `p${person}`,
            ...images,
          );
          assert.equal(code, 0, JSON.stringify(json));
          assert.ok(json.stored >= 4);
        }
        const { code, json } = await client(address, "--ca", ca, "identify", orlPath(3, 7));
        assert.ok(code === 0 || code === 3, JSON.stringify(json)); // 3: nobody under threshold
        assert.equal(json.faces[0].candidates[0].name, "p3");

        // Plaintext to a TLS port gets no answer; a client that does not trust the CA
        // refuses the certificate.
        const plain = await client(address, "list");
        assert.equal(plain.code, 1);
        const untrusted = await client(address, "--tls", "list");
        assert.equal(untrusted.code, 1);
        assert.match(
          untrusted.stderr + JSON.stringify(untrusted.json),
          /certificate|unknown ?issuer/i,
        );
        const raw = await exchange(recognizer.port, [encodeRequest({ op: "list" })], {
          waitMs: 3000,
        });
        assert.equal(raw.replies.length, 0);
        // And both still serve over TLS afterwards.
        const list = await client(address, "--ca", ca, "list");
        assert.equal(list.code, 0);
        assert.deepEqual(list.json.people.map((p: { name: string }) => p.name), ["p2", "p3"]);
        assert.match(detector.log(), /listening address=127\.0\.0\.1:\d+ tls=true/);
      } finally {
        await detector.stop();
      }
    } finally {
      await recognizer.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
);

datasetTest("the shared token is required on both hops, checked and logged", async () => {
  const token = "correct-horse-battery-staple";
  await using stack = await startStack({ workers: 1, env: { FACEREC_TOKEN: token } });
  const address = stack.detector.address;

  const missing = await client(address, "list");
  assert.equal(missing.code, 1);
  assert.equal(missing.json.error.status, "unauthorized");
  const wrong = await client(address, "--token", "wrong", "list");
  assert.equal(wrong.json.error.status, "unauthorized");
  assert.match(stack.detector.log(), /unauthorized request refused peer=127\.0\.0\.1:\d+ op=list/);

  // The right token works end to end: the detector passes it on to the recognizer.
  const images = [1, 2, 3, 4, 5].map((i) => orlPath(4, i));
  const enrolled = await client(address, "--token", token, "enroll", "p4", ...images);
  assert.equal(enrolled.code, 0, JSON.stringify(enrolled.json));
  const identified = await client(address, "--token", token, "identify", orlPath(4, 8));
  assert.ok(identified.code === 0 || identified.code === 3, JSON.stringify(identified.json));
  assert.equal(identified.json.faces[0].candidates[0].name, "p4");

  // The recognizer checks its hop itself.
  const direct = await call(stack.recognizer.address, { op: "list" });
  assert.equal(direct.status, "unauthorized");
  assert.match(stack.recognizer.log(), /unauthorized request refused/);
  const directRight = await call(stack.recognizer.address, { op: "list", token });
  assert.equal(directRight.status, "ok");

  // A detector holding another token gets past nobody: the recognizer refuses it.
  const rogue = await startService("detector", [
    "--port",
    "0",
    "--recognizer",
    stack.recognizer.address,
    "--workers",
    "1",
    "--token",
    "other",
  ]);
  try {
    const viaRogue = await client(rogue.address, "--token", "other", "list");
    assert.equal(viaRogue.json.error.status, "unauthorized");
  } finally {
    await rogue.stop();
  }
  // The secret itself never reaches a log.
  for (const service of [stack.detector, stack.recognizer]) {
    assert.doesNotMatch(service.log(), new RegExp(token));
  }
});

Deno.test("servers bind to 127.0.0.1 by default", async () => {
  assert.equal(parseServerArgs([], {}, 7001).settings.hostname, "127.0.0.1");
  const dir = await Deno.makeTempDir({ prefix: "facerec-bind-" });
  const recognizer = await startService("recognizer", [
    "--port",
    "0",
    "--workers",
    "1",
    "--data",
    dir,
  ]);
  try {
    // The log line follows the stdout line that startService waits for.
    await waitFor(() => /listening address/.test(recognizer.log()), "the listening log line");
    assert.match(recognizer.log(), /listening address=127\.0\.0\.1:\d+/);
    const outside = Deno.networkInterfaces().find((i) =>
      i.family === "IPv4" && !i.address.startsWith("127.")
    );
    if (outside) {
      await assert.rejects(Deno.connect({ hostname: outside.address, port: recognizer.port }));
    }
    const loopback = await call(recognizer.address, { op: "stats" });
    assert.equal(loopback.status, "ok");
  } finally {
    await recognizer.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
