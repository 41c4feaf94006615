import assert from "node:assert/strict";
import { tokenChecker } from "../../lib/service/token.ts";

Deno.test("tokenChecker() accepts only the exact token", () => {
  const check = tokenChecker("s3cret-token");
  assert.equal(check("s3cret-token"), true);
  assert.equal(check("s3cret-tokeN"), false);
  assert.equal(check("s3cret-token "), false);
  assert.equal(check(""), false);
  assert.equal(check(undefined), false);
});

Deno.test("tokenChecker() without a token lets every request through", () => {
  assert.equal(tokenChecker(undefined)(undefined), true);
  assert.equal(tokenChecker("")("anything"), true);
});
