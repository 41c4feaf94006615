/**
 * The transport adapter: frames over web streams, such as a `Deno.Conn`'s `readable` and
 * `writable`. The only file of the protocol layer that does I/O or keeps time; everything
 * it parses goes through the pure {@link FrameReader}. The sockets themselves are opened
 * in lib/transport.
 *
 * @module
 */

import { ProtocolError } from "./errors.ts";
import type { Frame } from "./frame.ts";
import { FrameReader } from "./frame_reader.ts";
import type { CodecOptions } from "./limits.ts";

/** Options of {@link readFrames}: the codec caps plus two timers. */
export interface ReadFramesOptions extends CodecOptions {
  /**
   * Milliseconds a frame may take from its first byte to its last. Counting starts when
   * the first byte arrives, or when the consumer asks for the next frame, whichever is
   * later, so a slow consumer never times out its peer. Unset or 0: no limit.
   */
  readTimeoutMs?: number;
  /**
   * Milliseconds of silence allowed between frames: before the first one, and from the
   * moment the consumer asks for the next one. Unset or 0: no limit.
   */
  idleTimeoutMs?: number;
}

/**
 * Reads frames from a byte stream until it ends.
 *
 * A stream that ends between frames ends the iteration; one that ends inside a frame
 * throws. On a timeout the reader lock is released without cancelling the stream, so the
 * caller can still send an error reply before closing the connection. Leaving the loop
 * early also just releases the lock.
 *
 * @throws {ProtocolError} fatal, from {@link FrameReader} (bad header, over-cap length,
 * cut mid-frame), or with `timeout` set to `"read"` (with the frame's `op` once its kind
 * byte is in) or `"idle"`. Errors of the stream itself (a reset connection) pass through
 * unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decodeRequest, encodeRequest, readFrames } from "./mod.ts";
 *
 * const bytes = encodeRequest({ op: "stats" });
 * const readable = ReadableStream.from([bytes.subarray(0, 3), bytes.subarray(3)]);
 * const ops = [];
 * for await (const frame of readFrames(readable, { idleTimeoutMs: 1000 })) {
 *   ops.push(decodeRequest(frame).op);
 * }
 * assert.deepEqual(ops, ["stats"]);
 * ```
 */
export async function* readFrames(
  readable: ReadableStream<Uint8Array>,
  options: ReadFramesOptions = {},
): AsyncGenerator<Frame, void, undefined> {
  const { readTimeoutMs = 0, idleTimeoutMs = 0, ...limits } = options;
  const frames = new FrameReader(limits);
  const reader = readable.getReader();
  // Both clocks restart whenever the consumer resumes us (see ReadFramesOptions).
  let frameStart: number | undefined;
  let idleStart: number | undefined;
  try {
    while (true) {
      const now = Date.now();
      let deadline: { at: number; timeout: "read" | "idle"; limit: number } | undefined;
      if (frames.midFrame) {
        frameStart ??= now;
        idleStart = undefined;
        if (readTimeoutMs > 0) {
          deadline = { at: frameStart + readTimeoutMs, timeout: "read", limit: readTimeoutMs };
        }
      } else {
        idleStart ??= now;
        frameStart = undefined;
        if (idleTimeoutMs > 0) {
          deadline = { at: idleStart + idleTimeoutMs, timeout: "idle", limit: idleTimeoutMs };
        }
      }
      const result = await readBefore(reader, deadline, frames.pendingOp);
      if (result.done) {
        frames.end();
        return;
      }
      const complete = frames.push(result.value);
      if (complete.length > 0) {
        for (const frame of complete) yield frame;
        frameStart = undefined;
        idleStart = undefined;
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** One read, raced against a deadline; the timer never outlives the call. */
function readBefore(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  deadline: { at: number; timeout: "read" | "idle"; limit: number } | undefined,
  op: number | undefined,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  const read = reader.read();
  if (deadline === undefined) return read;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      // The pending read is rejected when the lock is released; nobody awaits it.
      read.catch(() => {});
      const what = deadline.timeout === "read"
        ? `frame not complete ${deadline.limit} ms after its first byte`
        : `no frame started within the idle timeout of ${deadline.limit} ms`;
      reject(new ProtocolError(what, { fatal: true, timeout: deadline.timeout, op }));
    }, Math.max(0, deadline.at - Date.now()));
    read.then(
      (result) => {
        clearTimeout(timer);
        resolve(result);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/** Where {@link writeFrame} can write: a stream, a stream's writer, or a `Deno.Conn`. */
export type FrameSink =
  | WritableStream<Uint8Array>
  | WritableStreamDefaultWriter<Uint8Array>
  | { write(bytes: Uint8Array): Promise<number> };

/**
 * Writes one encoded frame completely.
 *
 * A `WritableStream` is locked only for the duration of the write. For a `Deno.Conn`-like
 * sink, short writes are continued until every byte is out.
 *
 * @throws {Deno.errors.WriteZero} when a `Deno.Conn`-like sink accepts no bytes; errors
 * of the sink itself pass through unchanged.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { encodeResponse, writeFrame } from "./mod.ts";
 *
 * const chunks: Uint8Array[] = [];
 * const sink = new WritableStream<Uint8Array>({ write: (chunk) => void chunks.push(chunk) });
 * const frame = encodeResponse({ op: "list", status: "ok", people: [] });
 * await writeFrame(sink, frame);
 * assert.deepEqual(chunks, [frame]);
 * ```
 */
export async function writeFrame(sink: FrameSink, frame: Uint8Array): Promise<void> {
  if (sink instanceof WritableStream) {
    const writer = sink.getWriter();
    try {
      await writer.write(frame);
    } finally {
      writer.releaseLock();
    }
  } else if ("releaseLock" in sink) {
    await sink.write(frame);
  } else {
    let offset = 0;
    while (offset < frame.length) {
      const written = await sink.write(frame.subarray(offset));
      if (written <= 0) {
        throw new Deno.errors.WriteZero(
          `sink wrote ${written} bytes with ${frame.length - offset} left`,
        );
      }
      offset += written;
    }
  }
}
