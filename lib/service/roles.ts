/**
 * Keys with roles: which token may ask for which op. A server given a tokens file (one
 * `ROLE TOKEN` pair per line) checks every request's TOKEN against each key in constant
 * time, then the op against the key's role. `--token SECRET` is one admin key.
 *
 * | role     | may ask for                                 |
 * | -------- | ------------------------------------------- |
 * | admin    | every op                                    |
 * | enroll   | enroll, identify, verify, list, faces       |
 * | identify | identify, verify, list, stats               |
 *
 * @module
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { OPS } from "../protocol/messages.ts";
import type { Op } from "../protocol/messages.ts";

/** The roles, most powerful first. */
export const ROLES = ["admin", "enroll", "identify"] as const;
/** A role. */
export type Role = typeof ROLES[number];

/** The ops each role may ask for. */
export const ROLE_OPS: { readonly [R in Role]: readonly Op[] } = {
  admin: Object.keys(OPS) as Op[],
  enroll: ["enroll", "identify", "verify", "list", "faces"],
  identify: ["identify", "verify", "list", "stats"],
};

/** One key: a token and the role it grants. */
export interface RoleToken {
  /** What the token may do. */
  readonly role: Role;
  /** The secret itself. */
  readonly token: string;
}

/** The roles that may ask for `op`, most powerful first. */
export function rolesFor(op: Op): Role[] {
  return ROLES.filter((role) => ROLE_OPS[role].includes(op));
}

/** What {@link Authorizer} decided about one request. */
export type Authorization =
  | { readonly allowed: true; readonly role: Role | undefined }
  | { readonly allowed: false; readonly role: Role | undefined; readonly message: string };

/** Decides whether a request's token may ask for its op. */
export type Authorizer = (token: string | undefined, op: Op) => Authorization;

function digest(text: string): Uint8Array {
  return createHash("sha256").update(text, "utf8").digest();
}

/**
 * An {@link Authorizer} for these keys; with none, every request is allowed (role
 * undefined). Every key is compared, hashed to one length, so the time taken says nothing
 * about which key matched or how long the keys are.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { authorizer } from "./roles.ts";
 * const check = authorizer([{ role: "identify", token: "kiosk" }]);
 * assert.equal(check("kiosk", "identify").allowed, true);
 * const refused = check("kiosk", "rename");
 * assert.ok(!refused.allowed && /rename needs the admin role/.test(refused.message));
 * ```
 */
export function authorizer(keys: readonly RoleToken[]): Authorizer {
  if (keys.length === 0) return () => ({ allowed: true, role: undefined });
  const wanted = keys.map((key) => ({ role: key.role, hash: digest(key.token) }));
  return (token, op) => {
    const given = digest(token ?? "");
    let role: Role | undefined;
    for (const key of wanted) {
      if (timingSafeEqual(key.hash, given) && token !== undefined) role ??= key.role;
    }
    if (role === undefined) {
      return { allowed: false, role, message: "missing or wrong token" };
    }
    if (ROLE_OPS[role].includes(op)) return { allowed: true, role };
    const allowedBy = rolesFor(op);
    return {
      allowed: false,
      role,
      message: `${op} needs the ${allowedBy.join(" or ")} role; this token's role is ${role}`,
    };
  };
}

/** The keys of `--token` (one admin key) and `--tokens` (a parsed file), together. */
export function serverKeys(
  token: string | undefined,
  tokens: readonly RoleToken[] = [],
): RoleToken[] {
  return [...(token ? [{ role: "admin" as const, token }] : []), ...tokens];
}
