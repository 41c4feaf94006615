/**
 * The facerec wire protocol: length-prefixed frames with a TLV body, a pure streaming
 * frame reader, typed request/response codecs, and a small adapter for web streams
 * (`Deno.Conn`). The byte layout is specified in docs/PROTOCOL.md.
 *
 * @example A request's round trip
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRequest, encodeRequest, type Request } from "./mod.ts";
 *
 * const request: Request = {
 *   op: "identify",
 *   algorithm: "lbph",
 *   images: [{ filename: "me.jpg", data: new Uint8Array([0xff, 0xd8]) }],
 * };
 * assert.deepEqual(decodeRequest(encodeRequest(request)), request);
 * ```
 *
 * @module
 */

export * from "./messages.ts";
export { ProtocolError } from "./errors.ts";
export { knownDistance, NO_DISTANCE, wireDistance } from "./distance.ts";
export { toErrorResponse } from "./error_response.ts";
export type { ProtocolErrorOptions, ProtocolErrorStatus, ProtocolTimeout } from "./errors.ts";
export { DEFAULT_LIMITS, resolveLimits } from "./limits.ts";
export type { CodecOptions, Limits } from "./limits.ts";
export { ALGORITHM_IDS, MODEL_STATE_IDS, OUTCOME_IDS } from "./codes.ts";
export { CONTAINER_BIT, TAG_TYPES, tagInfo, TAGS } from "./tags.ts";
export type { TagInfo, TagName, ValueType } from "./tags.ts";
export type { Field, FieldValue } from "./field.ts";
export { HEADER_BYTES, MAGIC, parseFrame, PROTOCOL_VERSION, RESPONSE_BIT } from "./frame.ts";
export type { Frame } from "./frame.ts";
export { FrameReader } from "./frame_reader.ts";
export { decodeFields } from "./tlv_decode.ts";
export { encodeFields } from "./tlv_encode.ts";
export { decodeRequest, encodeRequest } from "./request_codec.ts";
export { decodeResponse, encodeResponse } from "./response_codec.ts";
export { readFrames, writeFrame } from "./socket.ts";
export type { FrameSink, ReadFramesOptions } from "./socket.ts";
