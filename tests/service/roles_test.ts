/** Keys with roles: the tokens file, the role table, and the server's refusals and logs. */
import assert from "node:assert/strict";
import { encodeRequest, type Op, OPS, type Request } from "../../lib/protocol/mod.ts";
import { parseServerArgs } from "../../lib/cli/server_flags.ts";
import { UsageError } from "../../lib/core/usage_error.ts";
import { DEFAULT_LIMITS } from "../../lib/service/limits.ts";
import type { Logger } from "../../lib/service/log.ts";
import { parseTokens } from "../../lib/service/tokens_file.ts";
import { authorizer, type Role, ROLE_OPS, rolesFor, serverKeys } from "../../lib/service/roles.ts";
import { Server } from "../../lib/service/server.ts";
import { MemoryListener, readReplies } from "./_memory_listener.ts";

const KEYS = parseTokens(
  "# facerec keys\nadmin   root-key\nenroll\tdesk-key\n\n  identify kiosk-key  \n",
  "keys.txt",
);
const TOKEN_OF: Record<Role, string> = {
  admin: "root-key",
  enroll: "desk-key",
  identify: "kiosk-key",
};

/** What the issue grants each role: every op is either allowed or refused. */
const GRANTED: Record<Role, readonly Op[]> = {
  admin: Object.keys(OPS) as Op[],
  enroll: ["enroll", "identify", "verify", "list", "faces"],
  identify: ["identify", "verify", "list", "stats"],
};

/** One request of each op, small and well formed. */
function requestOf(op: Op, token?: string): Request {
  const base = token === undefined ? {} : { token };
  switch (op) {
    case "enroll":
    case "forget":
    case "faces":
    case "export":
      return { op, ...base, name: "Ada" };
    case "identify":
    case "verify":
      return { op, ...base, algorithm: "dnn" };
    case "rename":
      return { op, ...base, name: "Ada", newName: "Bob" };
    case "forgetFace":
      return { op, ...base, name: "Ada", faceId: 1 };
    case "list":
    case "stats":
      return { op, ...base };
  }
}

Deno.test("parseTokens() reads ROLE TOKEN lines, skipping comments and blank lines", () => {
  assert.deepEqual(KEYS, [
    { role: "admin", token: "root-key" },
    { role: "enroll", token: "desk-key" },
    { role: "identify", token: "kiosk-key" },
  ]);
});

Deno.test("parseTokens() refuses a bad file, naming the line", () => {
  const cases: [string, RegExp][] = [
    ["admin a\nroot b\n", /^keys:2: unknown role "root", expected one of admin, enroll, identify$/],
    ["admin\n", /^keys:1: expected "ROLE TOKEN" \(two words\), got 1 word\(s\)$/],
    ["# x\nadmin a b\n", /^keys:2: expected "ROLE TOKEN" \(two words\), got 3 word\(s\)$/],
    ["admin same\nidentify same\n", /^keys:2: this token is already given on line 1$/],
    ["# nothing\n\n", /^keys: no "ROLE TOKEN" line/],
  ];
  for (const [text, message] of cases) {
    assert.throws(
      () => parseTokens(text, "keys"),
      (e) => e instanceof SyntaxError && message.test(e.message),
      text,
    );
  }
});

Deno.test("authorizer() allows and refuses every op for every role as the table says", () => {
  const check = authorizer(KEYS);
  for (const [role, token] of Object.entries(TOKEN_OF) as [Role, string][]) {
    assert.deepEqual([...ROLE_OPS[role]].sort(), [...GRANTED[role]].sort(), role);
    for (const op of Object.keys(OPS) as Op[]) {
      const decision = check(token, op);
      assert.equal(decision.role, role);
      if (GRANTED[role].includes(op)) {
        assert.equal(decision.allowed, true, `${role} may ${op}`);
        continue;
      }
      assert.ok(!decision.allowed, `${role} may not ${op}`);
      const allowing = (Object.keys(GRANTED) as Role[]).filter((r) => GRANTED[r].includes(op));
      assert.deepEqual(rolesFor(op), allowing);
      assert.equal(
        decision.message,
        `${op} needs the ${allowing.join(" or ")} role; this token's role is ${role}`,
      );
    }
  }
  assert.equal(check("kiosk-key", "stats").allowed, true);
  assert.match((check("kiosk-key", "enroll") as { message: string }).message, /admin or enroll/);
  for (const wrong of [undefined, "", "root-ke", "root-key ", "ROOT-KEY"]) {
    const decision = check(wrong, "list");
    assert.deepEqual(decision, {
      allowed: false,
      role: undefined,
      message: "missing or wrong token",
    });
  }
});

Deno.test("authorizer() lets everything through without keys; --token is one admin key", () => {
  assert.deepEqual(authorizer([])(undefined, "export"), { allowed: true, role: undefined });
  assert.deepEqual(serverKeys("s3cret"), [{ role: "admin", token: "s3cret" }]);
  assert.deepEqual(serverKeys("", KEYS), KEYS);
  const both = authorizer(serverKeys("s3cret", KEYS));
  assert.equal(both("s3cret", "forgetFace").allowed, true);
  assert.equal(both("kiosk-key", "forgetFace").allowed, false);
});

Deno.test("parseServerArgs() reads --tokens FILE, and refuses a bad one with its line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "facerec-tokens-" });
  try {
    await Deno.writeTextFile(`${dir}/good`, "admin a\nidentify b\n");
    await Deno.writeTextFile(`${dir}/bad`, "admin a\nguest b\n");
    const { settings } = parseServerArgs(["--tokens", `${dir}/good`], {}, 7001);
    assert.deepEqual(settings.keys, [{ role: "admin", token: "a" }, {
      role: "identify",
      token: "b",
    }]);
    assert.throws(
      () => parseServerArgs(["--tokens", `${dir}/bad`], {}, 7001),
      (e) =>
        e instanceof UsageError &&
        e.message ===
          `--tokens: ${dir}/bad:2: unknown role "guest", expected one of admin, enroll, identify`,
    );
    assert.throws(
      () => parseServerArgs(["--tokens", `${dir}/missing`], {}, 7001),
      (e) =>
        e instanceof UsageError && e.message.startsWith(`--tokens: cannot read ${dir}/missing`),
    );
    assert.deepEqual(parseServerArgs([], {}, 7001).settings.keys, []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Server refuses an op outside the key's role with unauthorized, logged without the token", async () => {
  const lines: string[] = [];
  const capture = (level: string) => (event: string, fields: Record<string, unknown> = {}) =>
    lines.push(`${level} ${event} ${JSON.stringify(fields)}`);
  const log: Logger = {
    debug: capture("debug"),
    info: capture("info"),
    warn: capture("warn"),
    error: capture("error"),
  };
  const handled: Op[] = [];
  const listener = new MemoryListener();
  await using _server = Server.serve(
    listener,
    { keys: KEYS, limits: DEFAULT_LIMITS, log },
    (request) => {
      handled.push(request.op);
      return Promise.resolve({ op: "list", status: "ok", people: [] });
    },
  );
  const client = listener.connect();
  const sent: [Request, string][] = [
    [requestOf("list", "kiosk-key"), "ok"],
    [requestOf("rename", "kiosk-key"), "unauthorized"],
    [requestOf("faces", "desk-key"), "ok"],
    [requestOf("stats", "desk-key"), "unauthorized"],
    [requestOf("export", "root-key"), "ok"],
    [requestOf("list"), "unauthorized"],
  ];
  for (const [request] of sent) await client.write(encodeRequest(request));
  const { responses } = await readReplies(client, sent.length);
  client.close();
  assert.deepEqual(responses.map((r) => r.status), sent.map(([, status]) => status));
  assert.deepEqual(
    handled,
    ["list", "faces", "export"],
    "refused requests never reach the handler",
  );
  assert.deepEqual(responses[1], {
    op: "rename",
    status: "unauthorized",
    message: "rename needs the admin role; this token's role is identify",
  });
  assert.deepEqual(responses[3], {
    op: "stats",
    status: "unauthorized",
    message: "stats needs the admin or identify role; this token's role is enroll",
  });
  assert.equal((responses[5] as { message: string }).message, "missing or wrong token");
  const refusals = lines.filter((l) => l.includes("unauthorized request refused"));
  assert.equal(refusals.length, 3);
  assert.match(refusals[0]!, /"op":"rename","role":"identify"/);
  for (const token of Object.values(TOKEN_OF)) {
    assert.ok(lines.every((l) => !l.includes(token)), `${token} never logged`);
  }
});
