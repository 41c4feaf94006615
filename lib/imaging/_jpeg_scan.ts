/**
 * Entropy decoding of one JPEG scan for the exact luma decoder: sequential Huffman (ITU T.81
 * F.2.2) and progressive Huffman (G.1.2: DC first/refine, AC first/refine with end-of-band
 * runs), interleaved or not, with restart intervals. Every component is decoded to keep the
 * bit stream in sync, but only the luma component is ever transformed.
 * @module
 */
import { BitReader, type HuffmanTable } from "./_jpeg_huffman.ts";
import { idctIslow } from "./_jpeg_idct.ts";

/** Zig-zag position (T.81 figure A.6) to natural row-major index within a block. */
export const ZIGZAG: Uint8Array = (() => {
  const order = new Uint8Array(64);
  let k = 0;
  for (let s = 0; s < 15; s++) {
    for (let i = 0; i <= s; i++) {
      // Even anti-diagonals run up and to the right, odd ones down and to the left.
      const row = s % 2 === 0 ? s - i : i;
      const col = s - row;
      if (row < 8 && col < 8) order[k++] = row * 8 + col;
    }
  }
  return order;
})();

/** One frame component with the decoding state that lives across scans. */
export interface Component {
  readonly id: number;
  readonly h: number;
  readonly v: number;
  readonly tq: number;
  /** Blocks that carry image data (libjpeg's width_in_blocks / height_in_blocks). */
  readonly blocksW: number;
  readonly blocksH: number;
  /** Blocks per row of storage: whole MCUs, since interleaved scans also code padding blocks. */
  readonly stride: number;
  /** All coefficients in natural order (progressive only: refinement needs earlier scans). */
  coefs: Int16Array | undefined;
  /** Per coefficient, the bit position still to be refined; -1 before its first scan. */
  readonly coefBits: Int8Array;
  /** Quantiser values latched when the component's first scan starts, as libjpeg does. */
  quant: Int32Array | undefined;
  pred: number;
  dcTable: HuffmanTable | undefined;
  acTable: HuffmanTable | undefined;
  /** Number of scans that included this component. */
  scans: number;
}

/** Parameters of one scan (from its SOS header) and where decoded luma goes. */
export interface Scan {
  readonly comps: readonly Component[];
  readonly ss: number;
  readonly se: number;
  readonly ah: number;
  readonly al: number;
  readonly progressive: boolean;
  readonly restartInterval: number;
  /** MCUs per row and MCU rows of an interleaved scan. */
  readonly mcusX: number;
  readonly mcusY: number;
  /** The component whose samples are output, and the plane (whole blocks) they go to. */
  readonly luma: Component;
  readonly plane: Uint8Array;
  readonly planeStride: number;
}

type BlockDecoder = (c: Component, row: number, col: number) => void;

/**
 * Decodes the entropy-coded data of `scan` starting at `start`; returns the offset of the first
 * byte after it (normally the next marker). Throws if the data ends before the last MCU.
 */
export function decodeScan(data: Uint8Array, start: number, scan: Scan): number {
  const r = new BitReader(data, start);
  const state = { eobrun: 0 };
  const decode = scan.progressive ? progressiveDecoder(r, scan, state) : sequentialDecoder(r, scan);
  const comps = scan.comps;
  const single = comps.length === 1;
  const first = comps[0]!;
  // A one-component scan codes only the component's own blocks, not MCU padding (T.81 A.2.2).
  const mcusX = single ? first.blocksW : scan.mcusX;
  const mcusY = single ? first.blocksH : scan.mcusY;
  const interval = scan.restartInterval;
  let toGo = interval;
  let rst = 0;
  for (let my = 0; my < mcusY; my++) {
    for (let mx = 0; mx < mcusX; mx++) {
      if (interval > 0) {
        if (toGo === 0) {
          r.reset(expectRestart(data, r.pos, rst));
          rst = (rst + 1) & 7;
          state.eobrun = 0;
          for (const c of comps) c.pred = 0;
          toGo = interval;
        }
        toGo--;
      }
      if (single) {
        decode(first, my, mx);
      } else {
        for (const c of comps) {
          for (let by = 0; by < c.v; by++) {
            for (let bx = 0; bx < c.h; bx++) decode(c, my * c.v + by, mx * c.h + bx);
          }
        }
      }
      if (r.overread()) {
        throw new Error(
          `JPEG entropy data ends after ${my * mcusX + mx} of ${mcusX * mcusY} MCUs (truncated)`,
        );
      }
    }
  }
  return r.pos;
}

/** Finds the restart marker that must follow an interval; returns the offset after it. */
function expectRestart(data: Uint8Array, pos: number, n: number): number {
  // Leftover bytes of the interval are skipped, as libjpeg's next_marker does.
  for (let p = pos; p + 1 < data.length; p++) {
    if (data[p] !== 0xff) continue;
    let q = p + 1;
    while (q < data.length && data[q] === 0xff) q++;
    if (q >= data.length) break;
    const m = data[q]!;
    if (m === 0) {
      p = q;
      continue;
    }
    if (m !== 0xd0 + n) {
      throw new Error(`expected RST${n} marker, got 0xFF${m.toString(16).toUpperCase()}`);
    }
    return q + 1;
  }
  throw new Error(`expected RST${n} marker, got end of data (truncated)`);
}

function sequentialDecoder(r: BitReader, scan: Scan): BlockDecoder {
  const block = new Int16Array(64);
  const ws = new Int32Array(64);
  const { luma, plane, planeStride } = scan;
  const quant = luma.quant!;
  return (c, row, col) => {
    const dc = c.dcTable!, ac = c.acTable!;
    if (c !== luma) {
      // Chroma is not output: walk its codes without building coefficients.
      r.skip(r.decode(dc));
      for (let k = 1; k < 64; k++) {
        const rs = r.decode(ac);
        const s = rs & 15;
        if (s !== 0) {
          k += rs >> 4;
          if (k > 63) throw new Error(`corrupt JPEG: AC run past coefficient 63 (${k})`);
          r.skip(s);
        } else if (rs === 0xf0) {
          k += 15;
        } else {
          break;
        }
      }
      return;
    }
    block.fill(0);
    c.pred += r.receiveExtend(r.decode(dc));
    block[0] = c.pred;
    for (let k = 1; k < 64; k++) {
      const rs = r.decode(ac);
      const s = rs & 15;
      if (s !== 0) {
        k += rs >> 4;
        if (k > 63) throw new Error(`corrupt JPEG: AC run past coefficient 63 (${k})`);
        block[ZIGZAG[k]!] = r.receiveExtend(s);
      } else if (rs === 0xf0) {
        k += 15;
      } else {
        break;
      }
    }
    idctIslow(block, 0, quant, ws, plane, row * 8 * planeStride + col * 8, planeStride);
  };
}

function progressiveDecoder(r: BitReader, scan: Scan, state: { eobrun: number }): BlockDecoder {
  const { ss, se, ah, al } = scan;
  if (ss === 0) {
    if (ah === 0) {
      return (c, row, col) => {
        c.pred += r.receiveExtend(r.decode(c.dcTable!));
        c.coefs![(row * c.stride + col) * 64] = c.pred << al;
      };
    }
    return (c, row, col) => {
      const coefs = c.coefs!, i = (row * c.stride + col) * 64;
      if (r.bit()) coefs[i] = coefs[i]! | (1 << al);
    };
  }
  if (ah === 0) {
    return (c, row, col) => {
      if (state.eobrun > 0) {
        state.eobrun--;
        return;
      }
      const coefs = c.coefs!, ac = c.acTable!;
      const off = (row * c.stride + col) * 64;
      for (let k = ss; k <= se; k++) {
        const rs = r.decode(ac);
        const run = rs >> 4, s = rs & 15;
        if (s !== 0) {
          k += run;
          if (k > se) throw new Error(`corrupt JPEG: AC run past end of band (${k} > ${se})`);
          coefs[off + ZIGZAG[k]!] = r.receiveExtend(s) * (1 << al);
        } else if (run === 15) {
          k += 15;
        } else {
          // EOBn: this block and the next 2^n - 1 + (n extra bits) blocks end here.
          state.eobrun = (1 << run) + r.bits(run) - 1;
          break;
        }
      }
    };
  }
  return acRefiner(r, scan, state);
}

/** AC successive-approximation refinement (T.81 G.1.2.3). */
function acRefiner(r: BitReader, scan: Scan, state: { eobrun: number }): BlockDecoder {
  const { ss, se, al } = scan;
  const p1 = 1 << al;
  const m1 = -1 << al;
  return (c, row, col) => {
    const coefs = c.coefs!, ac = c.acTable!;
    const off = (row * c.stride + col) * 64;
    let k = ss;
    if (state.eobrun === 0) {
      for (; k <= se; k++) {
        const rs = r.decode(ac);
        let run = rs >> 4;
        const s = rs & 15;
        let value = 0;
        if (s !== 0) {
          if (s !== 1) throw new Error(`corrupt JPEG: refinement magnitude ${s}, expected 1`);
          value = r.bit() ? p1 : m1;
        } else if (run !== 15) {
          state.eobrun = (1 << run) + r.bits(run);
          break;
        }
        // Skip `run` still-zero coefficients, sending a correction bit to each nonzero one.
        for (; k <= se; k++) {
          const i = off + ZIGZAG[k]!;
          const v = coefs[i]!;
          if (v !== 0) {
            if (r.bit() && (v & p1) === 0) coefs[i] = v >= 0 ? v + p1 : v + m1;
          } else {
            if (run === 0) break;
            run--;
          }
        }
        if (value !== 0) {
          if (k > se) throw new Error(`corrupt JPEG: refinement run past end of band ${se}`);
          coefs[off + ZIGZAG[k]!] = value;
        }
      }
    }
    if (state.eobrun > 0) {
      for (; k <= se; k++) {
        const i = off + ZIGZAG[k]!;
        const v = coefs[i]!;
        if (v !== 0 && r.bit() && (v & p1) === 0) coefs[i] = v >= 0 ? v + p1 : v + m1;
      }
      state.eobrun--;
    }
  };
}

/** Transforms every data-carrying block of a progressive luma component into `plane`. */
export function transformAll(c: Component, plane: Uint8Array, planeStride: number): void {
  const coefs = c.coefs!, quant = c.quant!;
  const ws = new Int32Array(64);
  for (let row = 0; row < c.blocksH; row++) {
    for (let col = 0; col < c.blocksW; col++) {
      const off = (row * c.stride + col) * 64;
      idctIslow(coefs, off, quant, ws, plane, row * 8 * planeStride + col * 8, planeStride);
    }
  }
}
