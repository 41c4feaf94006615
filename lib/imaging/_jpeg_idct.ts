/**
 * The integer "islow" 8x8 inverse DCT that libjpeg uses by default (JDCT_ISLOW), reproduced
 * bit for bit: the Loeffler-Ligtenberg-Moschytz factorisation (C. Loeffler, A. Ligtenberg,
 * G. Moschytz, "Practical Fast 1-D DCT Algorithms with 11 Multiplications", ICASSP 1989) scaled
 * by sqrt(8), with 13-bit fixed-point constants (CONST_BITS = 13), two extra fraction bits kept
 * between the column and the row pass (PASS1_BITS = 2), and a final rounding shift by
 * CONST_BITS + PASS1_BITS + 3 followed by the +128 level shift and range limit.
 *
 * Only where a value is rounded or narrowed matters for exactness: the sums in between are
 * exact integers, so they may be grouped differently from libjpeg's source.
 *
 * x86 builds of libjpeg-turbo (what OpenCV links) run a SIMD version of jidctint.c whose lanes
 * are 16 bits wide at a few points. For coefficients real encoders produce that changes
 * nothing; for hostile ones (huge quantisers) it does, and we follow the SIMD code, which was
 * checked against libjpeg-turbo 2.1.5's AVX2 and SSE2 paths (they agree with each other):
 * - dequantisation keeps the low 16 bits of coefficient * quantiser (pmullw);
 * - the input sums in0 + in4, in0 - in4, in7 + in3 and in5 + in1 wrap to 16 bits;
 * - each pass's outputs saturate to 16 bits, the final ones to [-128, 127] (libjpeg's C table
 *   wraps modulo 1024 instead);
 * - a block whose AC rows 1..7 are all zero takes a shortcut that wraps DC << 2 to 16 bits.
 * @module
 */

// round(x * 2^13) for the rotation factors of the LLM flow graph.
const FIX_0_298631336 = 2446;
const FIX_0_390180644 = 3196;
const FIX_0_541196100 = 4433;
const FIX_0_765366865 = 6270;
const FIX_0_899976223 = 7373;
const FIX_1_175875602 = 9633;
const FIX_1_501321110 = 12299;
const FIX_1_847759065 = 15137;
const FIX_1_961570560 = 16069;
const FIX_2_053119869 = 16819;
const FIX_2_562915447 = 20995;
const FIX_3_072711026 = 25172;

// Pass 1 keeps PASS1_BITS fraction bits: descale by CONST_BITS - PASS1_BITS = 11.
const PASS1_SHIFT = 11;
const PASS1_ROUND = 1 << (PASS1_SHIFT - 1);
// Pass 2 also removes the factor 8 of the 2-D transform: CONST_BITS + PASS1_BITS + 3 = 18.
const PASS2_SHIFT = 18;
const PASS2_ROUND = 1 << (PASS2_SHIFT - 1);

/**
 * Dequantises and inverse-transforms one block. `coefs[off..off+63]` are the quantised
 * coefficients in natural (row-major) order, `quant` the matching quantiser values (already
 * narrowed to int16), `ws` a 64-entry scratch buffer; the 8x8 samples are written to `out` at
 * `outOff` with row `stride`.
 */
export function idctIslow(
  coefs: Int16Array,
  off: number,
  quant: Int32Array,
  ws: Int32Array,
  out: Uint8Array,
  outOff: number,
  stride: number,
): void {
  let ac = 0;
  for (let i = off + 8; i < off + 64; i++) ac |= coefs[i]!;
  if (ac === 0) {
    dcRowsOnly(coefs, off, quant, ws, out, outOff, stride);
    return;
  }
  for (let c = 0; c < 8; c++) {
    const i = off + c;
    const c1 = coefs[i + 8]!, c2 = coefs[i + 16]!, c3 = coefs[i + 24]!, c4 = coefs[i + 32]!;
    const c5 = coefs[i + 40]!, c6 = coefs[i + 48]!, c7 = coefs[i + 56]!;
    const d0 = (Math.imul(coefs[i]!, quant[c]!) << 16) >> 16;
    if ((c1 | c2 | c3 | c4 | c5 | c6 | c7) === 0) {
      // What the full flow graph gives for a lone DC term (a saturating 16-bit result).
      const v = sat16(d0 << 2);
      for (let r = 0; r < 64; r += 8) ws[c + r] = v;
      continue;
    }
    const d1 = (Math.imul(c1, quant[c + 8]!) << 16) >> 16;
    const d2 = (Math.imul(c2, quant[c + 16]!) << 16) >> 16;
    const d3 = (Math.imul(c3, quant[c + 24]!) << 16) >> 16;
    const d4 = (Math.imul(c4, quant[c + 32]!) << 16) >> 16;
    const d5 = (Math.imul(c5, quant[c + 40]!) << 16) >> 16;
    const d6 = (Math.imul(c6, quant[c + 48]!) << 16) >> 16;
    const d7 = (Math.imul(c7, quant[c + 56]!) << 16) >> 16;
    // Even part: rotation of inputs 2 and 6, butterflies with 0 and 4.
    const z1 = (d2 + d6) * FIX_0_541196100;
    const t2 = z1 - d6 * FIX_1_847759065;
    const t3 = z1 + d2 * FIX_0_765366865;
    const t0 = (((d0 + d4) << 16) >> 16) * 8192;
    const t1 = (((d0 - d4) << 16) >> 16) * 8192;
    const e10 = t0 + t3, e13 = t0 - t3, e11 = t1 + t2, e12 = t1 - t2;
    // Odd part: inputs 7, 5, 3, 1.
    const z3 = ((d7 + d3) << 16) >> 16;
    const z4 = ((d5 + d1) << 16) >> 16;
    const z5 = (z3 + z4) * FIX_1_175875602;
    const y1 = (d7 + d1) * -FIX_0_899976223;
    const y2 = (d5 + d3) * -FIX_2_562915447;
    const y3 = z3 * -FIX_1_961570560 + z5;
    const y4 = z4 * -FIX_0_390180644 + z5;
    const o0 = d7 * FIX_0_298631336 + y1 + y3;
    const o1 = d5 * FIX_2_053119869 + y2 + y4;
    const o2 = d3 * FIX_3_072711026 + y2 + y3;
    const o3 = d1 * FIX_1_501321110 + y1 + y4;
    ws[c] = sat16((e10 + o3 + PASS1_ROUND) >> PASS1_SHIFT);
    ws[c + 56] = sat16((e10 - o3 + PASS1_ROUND) >> PASS1_SHIFT);
    ws[c + 8] = sat16((e11 + o2 + PASS1_ROUND) >> PASS1_SHIFT);
    ws[c + 48] = sat16((e11 - o2 + PASS1_ROUND) >> PASS1_SHIFT);
    ws[c + 16] = sat16((e12 + o1 + PASS1_ROUND) >> PASS1_SHIFT);
    ws[c + 40] = sat16((e12 - o1 + PASS1_ROUND) >> PASS1_SHIFT);
    ws[c + 24] = sat16((e13 + o0 + PASS1_ROUND) >> PASS1_SHIFT);
    ws[c + 32] = sat16((e13 - o0 + PASS1_ROUND) >> PASS1_SHIFT);
  }
  for (let r = 0; r < 64; r += 8) rowPass(ws, r, out, outOff + (r >> 3) * stride);
}

/** Block with only row-0 coefficients: every column is flat, so all eight rows are equal. */
function dcRowsOnly(
  coefs: Int16Array,
  off: number,
  quant: Int32Array,
  ws: Int32Array,
  out: Uint8Array,
  outOff: number,
  stride: number,
): void {
  for (let c = 0; c < 8; c++) {
    // The SIMD shortcut shifts in a 16-bit lane: this wraps where the full path saturates.
    ws[c] = (((Math.imul(coefs[off + c]!, quant[c]!) << 16) >> 16) << 18) >> 16;
  }
  rowPass(ws, 0, out, outOff);
  for (let y = 1; y < 8; y++) out.copyWithin(outOff + y * stride, outOff, outOff + 8);
}

function rowPass(ws: Int32Array, r: number, out: Uint8Array, o: number): void {
  const w0 = ws[r]!, w1 = ws[r + 1]!, w2 = ws[r + 2]!, w3 = ws[r + 3]!;
  const w4 = ws[r + 4]!, w5 = ws[r + 5]!, w6 = ws[r + 6]!, w7 = ws[r + 7]!;
  if ((w1 | w2 | w3 | w4 | w5 | w6 | w7) === 0) {
    out.fill(sample((w0 + 16) >> 5), o, o + 8);
    return;
  }
  const z1 = (w2 + w6) * FIX_0_541196100;
  const t2 = z1 - w6 * FIX_1_847759065;
  const t3 = z1 + w2 * FIX_0_765366865;
  const t0 = (((w0 + w4) << 16) >> 16) * 8192;
  const t1 = (((w0 - w4) << 16) >> 16) * 8192;
  const e10 = t0 + t3, e13 = t0 - t3, e11 = t1 + t2, e12 = t1 - t2;
  const z3 = ((w7 + w3) << 16) >> 16;
  const z4 = ((w5 + w1) << 16) >> 16;
  const z5 = (z3 + z4) * FIX_1_175875602;
  const y1 = (w7 + w1) * -FIX_0_899976223;
  const y2 = (w5 + w3) * -FIX_2_562915447;
  const y3 = z3 * -FIX_1_961570560 + z5;
  const y4 = z4 * -FIX_0_390180644 + z5;
  const o0 = w7 * FIX_0_298631336 + y1 + y3;
  const o1 = w5 * FIX_2_053119869 + y2 + y4;
  const o2 = w3 * FIX_3_072711026 + y2 + y3;
  const o3 = w1 * FIX_1_501321110 + y1 + y4;
  out[o] = sample((e10 + o3 + PASS2_ROUND) >> PASS2_SHIFT);
  out[o + 7] = sample((e10 - o3 + PASS2_ROUND) >> PASS2_SHIFT);
  out[o + 1] = sample((e11 + o2 + PASS2_ROUND) >> PASS2_SHIFT);
  out[o + 6] = sample((e11 - o2 + PASS2_ROUND) >> PASS2_SHIFT);
  out[o + 2] = sample((e12 + o1 + PASS2_ROUND) >> PASS2_SHIFT);
  out[o + 5] = sample((e12 - o1 + PASS2_ROUND) >> PASS2_SHIFT);
  out[o + 3] = sample((e13 + o0 + PASS2_ROUND) >> PASS2_SHIFT);
  out[o + 4] = sample((e13 - o0 + PASS2_ROUND) >> PASS2_SHIFT);
}

function sat16(v: number): number {
  return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
}

/** Level shift and range limit of a descaled output (saturating, as the SIMD packs do). */
function sample(v: number): number {
  return v < -128 ? 0 : v > 127 ? 255 : v + 128;
}
