/**
 * The web page's server without a browser: its JSON API against a fake detector that
 * speaks the real protocol over TCP, its error answers, its limits and its headers.
 */
import assert from "node:assert/strict";
import {
  decodeRequest,
  encodeResponse,
  readFrames,
  type Request as WireRequest,
  type Response as WireResponse,
  writeFrame,
} from "../../lib/protocol/mod.ts";
import { parseUiFlags, type UiSettings } from "../../lib/ui/ui_flags.ts";
import { startUiServer } from "../../lib/ui/ui_server.ts";
import { UsageError } from "../../lib/core/usage_error.ts";

/** A detector that records each request and answers with `answer(request)`. */
function fakeDetector(answer: (request: WireRequest) => WireResponse) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const requests: WireRequest[] = [];
  const served = (async () => {
    for await (const conn of listener) {
      (async () => {
        for await (const frame of readFrames(conn.readable)) {
          const request = decodeRequest(frame);
          requests.push(request);
          await writeFrame(conn, encodeResponse(answer(request)));
        }
      })().catch(() => {}).finally(() => {
        try {
          conn.close();
        } catch { /* the reader closed it */ }
      });
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    requests,
    async [Symbol.asyncDispose]() {
      listener.close();
      await served;
    },
  };
}

/** Stands for a face's PNG: only its bytes travel. */
const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 1, 2, 3);

const MODELS = [{ algorithm: "dnn", state: "ready", faces: 2, threshold: 0.55 }] as const;

/** The canned answer to each op. */
function answer(request: WireRequest): WireResponse {
  switch (request.op) {
    case "stats":
      return {
        op: "stats",
        status: "ok",
        version: "9.9.9",
        people: 1,
        faces: 2,
        models: [...MODELS],
      };
    case "list":
      return { op: "list", status: "ok", people: [{ name: "Ada", faces: 2 }] };
    case "forget":
      return request.name === "Ada"
        ? { op: "forget", status: "ok", name: "Ada", removedFaces: 2, models: [...MODELS] }
        : { op: "forget", status: "notFound", message: `no person named ${request.name}` };
    case "enroll":
      return {
        op: "enroll",
        status: "ok",
        name: request.name,
        stored: 1,
        personFaces: 3,
        images: [{ index: 0, outcome: "stored", faces: 1 }],
        models: [...MODELS],
      };
    case "identify":
      if (request.images?.[0]?.data[0] !== 0xff) {
        return { op: "identify", status: "badRequest", message: "expected a JPEG, got text" };
      }
      return {
        op: "identify",
        status: "ok",
        imageWidth: 640,
        imageHeight: 480,
        faces: [{
          box: { x: 10, y: 20, width: 100, height: 120 },
          score: 0.9,
          name: "Ada",
          distance: 0.3,
          algorithm: request.algorithm,
          threshold: request.threshold ?? 0.55,
          candidates: [{ name: "Ada", distance: 0.3 }],
        }],
      };
    case "verify":
      return {
        op: "verify",
        status: "ok",
        algorithm: request.algorithm,
        faces: [1, 2],
        same: true,
        distance: 0.31,
        threshold: 0.55,
      };
    case "rename":
      return { op: "rename", status: "ok", name: request.name, newName: request.newName };
    case "faces":
      return {
        op: "faces",
        status: "ok",
        name: request.name,
        total: 2,
        faces: [
          { id: 7, createdAt: 0, filename: "a.jpg", score: 0.9, aligned: true },
          { id: 9, createdAt: 1000, aligned: false },
        ],
      };
    case "export":
      return {
        op: "export",
        status: "ok",
        name: request.name,
        total: 1,
        faces: [{ id: 7, createdAt: 0, aligned: true, png: PNG }],
      };
    case "forgetFace":
      return {
        op: "forgetFace",
        status: "ok",
        name: request.name,
        faceId: request.faceId,
        personFaces: 1,
        models: [...MODELS],
      };
  }
}

async function withServer(
  overrides: Partial<UiSettings>,
  fn: (base: string, detector: ReturnType<typeof fakeDetector>, logged: string[]) => Promise<void>,
): Promise<void> {
  await using detector = fakeDetector(answer);
  const settings = parseUiFlags(
    ["--port", "0", "--detector", `127.0.0.1:${detector.port}`],
    { get: () => undefined },
  );
  assert.ok(settings !== "help");
  const logged: string[] = [];
  await using server = await startUiServer({ ...settings, ...overrides }, {
    log: (line) => logged.push(line),
  });
  await fn(server.url, detector, logged);
}

const JPEG = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0);

Deno.test("the UI's API turns each page request into one detector call and answers JSON", async () => {
  await withServer({ token: "s3cret" }, async (base, detector) => {
    const status = await (await fetch(`${base}api/status`)).json();
    assert.equal(status.version, "9.9.9");
    assert.equal(status.default_algorithm, "dnn");
    assert.deepEqual(status.models[0].threshold, 0.55);
    assert.deepEqual(await (await fetch(`${base}api/people`)).json(), {
      people: [{ name: "Ada", faces: 2 }],
    });

    const enroll = await fetch(`${base}api/enroll?name=Ada&largest=1`, {
      method: "POST",
      body: JPEG,
      headers: { "x-filename": encodeURIComponent("café.jpg") },
    });
    const enrolled = await enroll.json();
    assert.equal(enrolled.person_faces, 3);
    assert.deepEqual(enrolled.image, {
      filename: "café.jpg",
      outcome: "stored",
      faces: 1,
      message: null,
    });
    const sent = detector.requests.find((r) => r.op === "enroll");
    assert.ok(sent?.op === "enroll");
    assert.equal(sent.largest, true);
    assert.equal(sent.images?.[0]?.filename, "café.jpg");
    assert.deepEqual([...sent.images?.[0]?.data ?? []], [...JPEG]);

    const identified = await (await fetch(`${base}api/identify?algorithm=lbph&threshold=42`, {
      method: "POST",
      body: JPEG,
    })).json();
    assert.deepEqual(identified.image, { width: 640, height: 480 });
    assert.deepEqual(identified.faces[0].box, { x: 10, y: 20, width: 100, height: 120 });
    assert.equal(identified.faces[0].algorithm, "lbph");
    assert.equal(identified.faces[0].threshold, 42);

    const forgot = await (await fetch(`${base}api/people/Ada`, { method: "DELETE" })).json();
    assert.equal(forgot.removed_faces, 2);

    // The token went to the detector on every call, and never back to the page.
    assert.ok(detector.requests.length >= 5);
    assert.ok(detector.requests.every((r) => r.token === "s3cret"));
    const page = await (await fetch(base)).text();
    assert.ok(!page.includes("s3cret") && !JSON.stringify(status).includes("s3cret"));
  });
});

Deno.test("the UI's API verifies two photos and manages one person's faces", async () => {
  await withServer({}, async (base, detector) => {
    const form = new FormData();
    form.append("a", new File([JPEG], "one.jpg"));
    form.append("b", new File([JPEG], "two.jpg"));
    const verified = await (await fetch(`${base}api/verify`, { method: "POST", body: form }))
      .json();
    assert.deepEqual(verified, {
      same: true,
      distance: 0.31,
      threshold: 0.55,
      algorithm: "dnn",
      images: [{ filename: "one.jpg", faces: 1 }, { filename: "two.jpg", faces: 2 }],
    });
    const sent = detector.requests.find((r) => r.op === "verify");
    assert.equal(sent?.op === "verify" && sent.images?.length, 2);

    const renamed = await fetch(`${base}api/people/Ada%20L/rename`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: " Ada Lovelace " }),
    });
    assert.deepEqual(await renamed.json(), { name: "Ada L", new_name: "Ada Lovelace" });

    const { faces } = await (await fetch(`${base}api/people/Ada/faces`)).json();
    assert.deepEqual(faces.map((f: { id: number }) => f.id), [7, 9]);
    assert.equal(faces[0].thumbnail, "data:image/png;base64,iVBORwECAw==");
    assert.equal(faces[0].created_at, "1970-01-01T00:00:00.000Z");
    assert.equal(faces[1].thumbnail, null);

    const thumbnail = await fetch(`${base}api/people/Ada/thumbnail?faces=2`);
    assert.equal(thumbnail.headers.get("content-type"), "image/png");
    assert.deepEqual(new Uint8Array(await thumbnail.arrayBuffer()), PNG);
    const exports = detector.requests.filter((r) => r.op === "export").length;
    await (await fetch(`${base}api/people/Ada/thumbnail?faces=2`)).body?.cancel();
    assert.equal(detector.requests.filter((r) => r.op === "export").length, exports, "cached");

    const removed = await (await fetch(`${base}api/people/Ada/faces/9`, { method: "DELETE" }))
      .json();
    assert.deepEqual([removed.face_id, removed.person_faces], [9, 1]);
  });
});

Deno.test("the UI's API answers every failure as JSON with a fitting status", async () => {
  await withServer({ maxUploadBytes: 1024 }, async (base, _detector, logged) => {
    const expect = async (path: string, init: RequestInit, code: number, pattern: RegExp) => {
      const response = await fetch(`${base}${path}`, init);
      assert.equal(response.status, code, path);
      assert.match(response.headers.get("content-type") ?? "", /application\/json/);
      const { error } = await response.json();
      assert.match(error.message, pattern, path);
      assert.doesNotMatch(error.message, /\bat .*:\d+:\d+/, "no stack trace");
      return error;
    };
    await expect("api/nothing", {}, 404, /no API route/);
    await expect("api/identify", {}, 405, /GET is not allowed/);
    await expect("nothing.html", {}, 404, /no page/);
    const post = (body: BodyInit) => ({ method: "POST", body });
    await expect("api/identify?algorithm=magic", post(JPEG), 400, /expected one of dnn/);
    await expect("api/identify?threshold=-1", post(JPEG), 400, /distance of 0 or more/);
    await expect("api/identify", post(new Uint8Array(0)), 400, /empty body/);
    await expect("api/identify", post(new Uint8Array(2048)), 413, /capped at 1 KiB, got 2 KiB/);
    await expect("api/enroll", post(JPEG), 400, /name: expected a name/);
    await expect("api/verify", post(JPEG), 400, /multipart\/form-data/);
    const one = new FormData();
    one.append("a", new File([JPEG], "one.jpg"));
    await expect("api/verify", post(one), 400, /b is missing/);
    await expect("api/people/Ada/rename", post("{"), 400, /expected JSON/);
    await expect("api/people/Ada/faces", { method: "PUT" }, 405, /PUT is not allowed/);
    // The detector's refusal keeps its status and message.
    const bad = await expect("api/identify", post("not an image"), 400, /expected a JPEG/);
    assert.equal(bad.status, "badRequest");
    const missing = await expect("api/people/Bob", { method: "DELETE" }, 404, /no person/);
    assert.equal(missing.status, "notFound");
    // Another site's page may not drive this one.
    await expect("api/people", { headers: { origin: "http://evil.example" } }, 403, /evil/);
    assert.deepEqual(logged, []);
  });
});

Deno.test("the UI's server bound to loopback refuses a request for another host name", async () => {
  await withServer({}, async (base) => {
    const port = Number(new URL(base).port);
    const ask = async (host: string) => {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(
        new TextEncoder().encode(
          `GET /api/people HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
        ),
      );
      const reply = await new Response(conn.readable).text();
      return reply.split("\r\n")[0] ?? "";
    };
    // A page of another site that resolved its name to 127.0.0.1 (DNS rebinding).
    assert.match(await ask("attacker.example"), / 403 /);
    assert.match(await ask(`localhost:${port}`), / 200 /);
  });
});

Deno.test("the UI's API says the detector is unavailable with 503 when it is down", async () => {
  const unused = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (unused.addr as Deno.NetAddr).port;
  unused.close();
  const settings = parseUiFlags(["--port", "0", "--detector", `127.0.0.1:${port}`], {
    get: () => undefined,
  });
  assert.ok(settings !== "help");
  await using server = await startUiServer(settings, { log: () => {} });
  const response = await fetch(`${server.url}api/status`);
  assert.equal(response.status, 503);
  const { error } = await response.json();
  assert.equal(error.status, "unavailable");
  assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${port}`));
});

Deno.test("the UI's server hides an internal failure's details from the page", async () => {
  const logged: string[] = [];
  const settings = parseUiFlags(["--port", "0"], { get: () => undefined });
  assert.ok(settings !== "help");
  await using server = await startUiServer(settings, {
    log: (line) => logged.push(line),
    link: {
      address: "nowhere",
      call: () => Promise.reject(new Error("secret internals")),
    },
  });
  const response = await fetch(`${server.url}api/people`);
  assert.equal(response.status, 500);
  const text = await response.text();
  assert.ok(!text.includes("secret internals"), text);
  assert.match(text, /its log says why/);
  assert.match(logged.join("\n"), /secret internals/);
});

Deno.test("the UI's page loads nothing from elsewhere and is served with a strict policy", async () => {
  await withServer({}, async (base) => {
    const response = await fetch(base);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-security-policy") ?? "", /default-src 'self'/);
    assert.equal(response.headers.get("x-content-type-options"), "nosniff");
    const html = await response.text();
    for (const path of ["app.js", "style.css"]) {
      const file = await fetch(`${base}${path}`);
      assert.equal(file.status, 200, path);
      assert.ok(!/https?:\/\//.test(await file.text()), `${path} loads nothing remote`);
    }
    assert.ok(!/(src|href)="https?:/.test(html));
  });
});

Deno.test("parseUiFlags() binds 127.0.0.1:7080 by default and refuses bad values", () => {
  const env = (vars: Record<string, string>) => ({ get: (k: string) => vars[k] });
  const settings = parseUiFlags([], env({ FACEREC_TOKEN: "t", FACEREC_DETECTOR: "10.0.0.2:9" }));
  assert.ok(settings !== "help");
  assert.deepEqual(
    [settings.hostname, settings.port, settings.token, settings.detector.hostname],
    ["127.0.0.1", 7080, "t", "10.0.0.2"],
  );
  assert.equal(parseUiFlags(["--help"], env({})), "help");
  assert.throws(() => parseUiFlags(["--port", "70000"], env({})), UsageError);
  assert.throws(() => parseUiFlags(["--detector", "nohost"], env({})), UsageError);
  assert.throws(() => parseUiFlags(["--bogus"], env({})), UsageError);
  assert.throws(() => parseUiFlags(["--max-upload-mb", "0"], env({})), UsageError);
});
