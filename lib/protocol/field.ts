/**
 * The generic, untyped view of a TLV body. See tags.ts for `ValueType`.
 *
 * @module
 */

/** A field's value: its JS form follows the tag's `ValueType` (tags.ts). */
export type FieldValue = number | string | Uint8Array | readonly Field[];

/**
 * One TLV field. Integer and f64 tags hold a `number`, string tags a `string`, bytes tags a
 * `Uint8Array` and container tags the list of their fields.
 */
export interface Field {
  /** The tag number (u16); `tagInfo` (tags.ts) names it. */
  readonly tag: number;
  /** The decoded value, of the form the tag's type calls for. */
  readonly value: FieldValue;
}

/** The TLV field header: tag u16 then value length u32. */
export const FIELD_HEADER_BYTES = 6;

/** Fixed value sizes of the scalar types. */
export const SCALAR_BYTES = { u8: 1, u32: 4, i32: 4, f64: 8 } as const;
