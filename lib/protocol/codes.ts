/**
 * Wire ids of the protocol's small enumerations. Ops and statuses are in messages.ts;
 * these are the ones that only the byte layout needs.
 *
 * @module
 */

import { ProtocolError } from "./errors.ts";
import type { Algorithm } from "../core/algorithms.ts";
import { type ImageOutcome, type ModelState, OPS } from "./messages.ts";

/**
 * The op ids as error messages name them, `"1..5"` today: derived from {@link OPS}, so the
 * messages (and the docs' example of one) follow when an op is added.
 */
export const OP_ID_RANGE = `${Math.min(...Object.values(OPS))}..${Math.max(...Object.values(OPS))}`;

/** Algorithm ids (tag `algorithm`). */
export const ALGORITHM_IDS = {
  eigen: 1,
  fisher: 2,
  lbph: 3,
  dnn: 4,
} as const satisfies Record<Algorithm, number>;

/** Image outcome ids (tag `outcome`). */
export const OUTCOME_IDS = {
  stored: 1,
  no_face: 2,
  several_faces: 3,
  unreadable: 4,
  duplicate: 5,
} as const satisfies Record<ImageOutcome, number>;

/** Model state ids (tag `state`). */
export const MODEL_STATE_IDS = {
  ready: 1,
  stale: 2,
  untrained: 3,
  unavailable: 4,
  training: 5,
} as const satisfies Record<ModelState["state"], number>;

/**
 * The name whose id is `id` in `table`, or `undefined`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ALGORITHM_IDS, nameOfId } from "./codes.ts";
 *
 * assert.equal(nameOfId(ALGORITHM_IDS, 3), "lbph");
 * ```
 */
export function nameOfId<K extends string>(
  table: Readonly<Record<K, number>>,
  id: number,
): K | undefined {
  for (const key in table) if (table[key] === id) return key;
  return undefined;
}

/** Like {@link nameOfId}, but a missing id is a {@link ProtocolError} naming the valid ones. */
export function decodeId<K extends string>(
  table: Readonly<Record<K, number>>,
  id: number,
  what: string,
): K {
  const name = nameOfId(table, id);
  if (name !== undefined) return name;
  const valid = Object.entries(table).map(([key, value]) => `${value} (${key})`).join(", ");
  throw new ProtocolError(`unknown ${what} id ${id}, expected one of ${valid}`);
}

/**
 * The id of `name` in `table`; a name outside it is a caller's bug.
 *
 * @throws {TypeError} when `name` is not in the table.
 */
export function encodeId<K extends string>(
  table: Readonly<Record<K, number>>,
  name: K,
  what: string,
): number {
  const id = Object.hasOwn(table, name) ? table[name] : undefined;
  if (id === undefined) {
    throw new TypeError(`${what} must be one of ${Object.keys(table).join(", ")}, got ${name}`);
  }
  return id;
}
