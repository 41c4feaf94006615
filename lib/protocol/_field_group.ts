/**
 * Checks one decoded field list against what a message or container allows, then hands
 * out typed values. Private to the typed mapping.
 *
 * @module
 */

import { ProtocolError } from "./errors.ts";
import type { Field } from "./field.ts";
import { describeTag, tagInfo, type TagName, TAGS } from "./tags.ts";

/** How often a tag may appear: exactly once, at most once, or any number of times. */
export type Occurrence = "one" | "optional" | "many";

/** The tags a message or container allows. */
export type GroupSpec = Readonly<Partial<Record<TagName, Occurrence>>>;

/** A field list that passed its {@link GroupSpec}. */
export class FieldGroup {
  #where: string;
  #byTag = new Map<number, Field[]>();

  /** @throws {ProtocolError} on a tag the spec lacks, a duplicate, or a missing field. */
  constructor(where: string, fields: readonly Field[], spec: GroupSpec) {
    this.#where = where;
    for (const field of fields) {
      const name = tagInfo(field.tag)?.name;
      const occurrence = name === undefined ? undefined : spec[name];
      if (occurrence === undefined) {
        throw new ProtocolError(
          `unexpected field ${describeTag(field.tag)} in ${where}, expected only ${
            Object.keys(spec).join(", ")
          }`,
        );
      }
      const seen = this.#byTag.get(field.tag);
      if (seen === undefined) {
        this.#byTag.set(field.tag, [field]);
      } else if (occurrence === "many") {
        seen.push(field);
      } else {
        throw new ProtocolError(
          `duplicated field ${describeTag(field.tag)} in ${where}, expected at most one`,
        );
      }
    }
    for (const [name, occurrence] of Object.entries(spec)) {
      if (occurrence === "one" && !this.#byTag.has(TAGS[name as TagName])) {
        throw new ProtocolError(
          `missing field ${describeTag(TAGS[name as TagName])} in ${where}, it is required`,
        );
      }
    }
  }

  /** True when the field is present. */
  has(name: TagName): boolean {
    return this.#byTag.has(TAGS[name]);
  }

  /** The value of a numeric field that the spec marks `one`. */
  number(name: TagName): number {
    const value = this.optionalNumber(name);
    if (value === undefined) throw this.#missing(name);
    return value;
  }

  /** The value of a numeric field, or `undefined`. */
  optionalNumber(name: TagName): number | undefined {
    const value = this.#first(name);
    if (value === undefined || typeof value === "number") return value;
    throw this.#mistyped(name, "number");
  }

  /** Every value of a numeric field that the spec marks `many`, in wire order. */
  numbers(name: TagName): number[] {
    return (this.#byTag.get(TAGS[name]) ?? []).map((field) => {
      if (typeof field.value !== "number") throw this.#mistyped(name, "number");
      return field.value;
    });
  }

  /** The value of a string field that the spec marks `one`. */
  string(name: TagName): string {
    const value = this.optionalString(name);
    if (value === undefined) throw this.#missing(name);
    return value;
  }

  /** The value of a string field, or `undefined`. */
  optionalString(name: TagName): string | undefined {
    const value = this.#first(name);
    if (value === undefined || typeof value === "string") return value;
    throw this.#mistyped(name, "string");
  }

  /** The value of a bytes field that the spec marks `one`. */
  bytes(name: TagName): Uint8Array {
    const value = this.optionalBytes(name);
    if (value === undefined) throw this.#missing(name);
    return value;
  }

  /** The value of a bytes field, or `undefined`. */
  optionalBytes(name: TagName): Uint8Array | undefined {
    const value = this.#first(name);
    if (value === undefined || value instanceof Uint8Array) return value;
    throw this.#mistyped(name, "bytes");
  }

  /** Every occurrence of a container field, each checked against `spec`, in wire order. */
  groups(name: TagName, spec: GroupSpec): FieldGroup[] {
    return (this.#byTag.get(TAGS[name]) ?? []).map((field) => {
      if (!Array.isArray(field.value)) throw this.#mistyped(name, "container");
      return new FieldGroup(`${name} in ${this.#where}`, field.value as readonly Field[], spec);
    });
  }

  /** The one occurrence of a container field that the spec marks `one`. */
  group(name: TagName, spec: GroupSpec): FieldGroup {
    const [group] = this.groups(name, spec);
    if (group === undefined) throw this.#missing(name);
    return group;
  }

  #first(name: TagName): Field["value"] | undefined {
    return this.#byTag.get(TAGS[name])?.[0]?.value;
  }

  // The tag table fixes each value's type, so these two only fire on a codec bug.
  #missing(name: TagName): ProtocolError {
    return new ProtocolError(`missing field ${describeTag(TAGS[name])} in ${this.#where}`);
  }

  #mistyped(name: TagName, expected: string): ProtocolError {
    return new ProtocolError(`field ${describeTag(TAGS[name])}: expected a ${expected} value`);
  }
}
