/**
 * Raw-socket helpers for the robustness tests: send arbitrary bytes to a real service and
 * collect whatever it answers, and build hostile frames and images by hand.
 * @module
 */
import assert from "node:assert/strict";
import { decodeGray } from "../../lib/imaging/mod.ts";
import {
  decodeResponse,
  readFrames,
  type Request,
  type Response,
  type WireFace,
} from "../../lib/protocol/mod.ts";
import { DEFAULT_LIMITS } from "../../lib/service/limits.ts";
import { callService } from "../../lib/transport/mod.ts";
import { concat, tlv, u32 } from "../protocol/_helpers.ts";
import { wholeImageFace } from "../../scripts/lib/whole_face.ts";
export { concat, tlv };
export { pseudoRandomBytes as randomBytes } from "../imaging/_data.ts";

import { DATASETS } from "../_datasets.ts";
export { DATASETS };
export const orlPath = (person: number, image: number) => `${DATASETS}orl/s${person}/${image}.pgm`;
export const orl = (person: number, image: number) => Deno.readFileSync(orlPath(person, image));

/** ORL images are 92x112 already: exactly the crops the detector would forward. */
export function crop(person: number, image: number): WireFace {
  return wholeImageFace(decodeGray(orl(person, image)));
}

/** What a raw exchange got back. */
export interface Exchange {
  replies: Response[];
  /** True when the server closed the connection before `count` replies arrived. */
  closed: boolean;
}

/**
 * Writes `chunks` (with `gapMs` between them) to `port`, then reads up to `count` replies
 * or until the server hangs up. Never waits longer than `waitMs` in all.
 */
export async function exchange(
  port: number,
  chunks: Uint8Array[],
  options: {
    count?: number;
    gapMs?: number;
    waitMs?: number;
    closeAfterWrite?: boolean;
    /** Called after chunk `index` was written. */
    written?: (index: number) => void;
  } = {},
): Promise<Exchange> {
  const { count = 1, gapMs = 0, waitMs = 10_000 } = options;
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const timer = setTimeout(() => conn.close(), waitMs);
  const replies: Response[] = [];
  let closed = true;
  // Write and read at once: a server that hangs up mid-write has still answered first.
  const writing = (async () => {
    const writer = conn.writable.getWriter();
    for (const [index, chunk] of chunks.entries()) {
      await writer.write(chunk);
      options.written?.(index);
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
    writer.releaseLock();
    if (options.closeAfterWrite) await conn.closeWrite();
  })().catch(() => {});
  try {
    for await (const frame of readFrames(conn.readable, { maxBodyBytes: 1 << 26 })) {
      replies.push(decodeResponse(frame));
      if (replies.length === count) {
        closed = false;
        break;
      }
    }
  } catch (error) {
    // A reset or our own timeout: the server dropped us, which is what some tests expect.
    if (!(error instanceof Error)) throw error;
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // already closed
    }
  }
  await writing;
  return { replies, closed };
}

/** One typed request to `address` over a fresh connection. */
export function call(address: string, request: Request, timeoutMs = 30_000): Promise<Response> {
  const [hostname, port] = address.split(":");
  return callService({ hostname: hostname!, port: Number(port) }, request, {
    timeoutMs,
    maxFrameBytes: DEFAULT_LIMITS.maxFrameBytes,
    peerName: "service",
  });
}

/** Asserts `response` is an error with `status` whose message matches `pattern`. */
export function assertError(
  response: Response | undefined,
  status: string,
  pattern: RegExp,
): void {
  assert.ok(response, "expected a reply, got none");
  assert.equal(response.status, status, JSON.stringify(response));
  assert.ok("message" in response);
  assert.match(response.message, pattern);
}

// ------------------------------------------------------------------ hand-built bytes

/** A frame header ("FR", version 1, `kind`, flags 0) and `body`, or a lying length. */
export function frame(kind: number, body: Uint8Array, declaredLength = body.length): Uint8Array {
  return concat(new Uint8Array([0x46, 0x52, 1, kind, 0, 0]), u32(declaredLength), body);
}

/** UTF-8 bytes of `text`. */
export const utf8 = (text: string) => new TextEncoder().encode(text);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const typed = concat(utf8(type), data);
  return concat(u32(data.length), typed, u32(crc32(typed)));
}

/**
 * A well-formed PNG (valid CRCs) whose IHDR claims `width` x `height` 8-bit grey, with a
 * one-row IDAT: a decoder that trusted the header would allocate width*height bytes.
 */
export function pngClaiming(
  width: number,
  height: number,
  // zlib stream of a few zero bytes (stored block).
  idat = new Uint8Array([0x78, 0x01, 0x01, 0x04, 0x00, 0xfb, 0xff, 0, 0, 0, 0, 0, 4, 0, 1]),
): Uint8Array {
  const ihdr = concat(u32(width), u32(height), new Uint8Array([8, 0, 0, 0, 0]));
  return concat(
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", ihdr),
    pngChunk("IDAT", idat),
    pngChunk("IEND", new Uint8Array(0)),
  );
}

/** A real JPEG with its frame header patched to claim `width` x `height` (max 65535). */
export function jpegClaiming(jpeg: Uint8Array, width: number, height: number): Uint8Array {
  const out = jpeg.slice();
  for (let at = 2; at + 9 < out.length;) {
    if (out[at] !== 0xff) throw new Error(`no marker at ${at}`);
    const marker = out[at + 1]!;
    const length = (out[at + 2]! << 8) | out[at + 3]!;
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      out.set([height >> 8, height & 0xff, width >> 8, width & 0xff], at + 5);
      return out;
    }
    at += 2 + length;
  }
  throw new Error("no SOF marker found");
}
