/**
 * Huffman tables and the entropy-coded-segment bit reader of the exact JPEG luma decoder
 * (ITU T.81 Annex C for the canonical code assignment, F.2.2 for decoding, B.1.1.5 for byte
 * stuffing and markers inside entropy data).
 * @module
 */

/**
 * Codes up to this many bits resolve in one table lookup (most codes in real files); longer ones
 * walk {@link HuffmanTable.maxCode}.
 */
export const LOOKAHEAD_BITS = 9;

/** A decoding table built from one DHT entry. */
export interface HuffmanTable {
  /** Indexed by the next {@link LOOKAHEAD_BITS} bits: `(codeLength << 8) | symbol`, 0 if longer. */
  readonly fast: Uint16Array;
  /** Largest code of each length 1..16 (index = length), -1 when that length has no codes. */
  readonly maxCode: Int32Array;
  /** `symbols[code + valOffset[length]]` is the symbol of a code of that length. */
  readonly valOffset: Int32Array;
  readonly symbols: Uint8Array;
}

/**
 * Builds the canonical code (T.81 C.2) from the 16 code-length counts and the symbols. Rejects
 * what libjpeg rejects: a code space that overflows (which includes an all-ones code) and DC
 * symbols above 15, which would ask the bit reader for more bits than any 8-bit DC diff has.
 */
export function buildHuffmanTable(
  counts: Uint8Array,
  symbols: Uint8Array,
  isDc: boolean,
): HuffmanTable {
  if (counts.length !== 16) {
    throw new Error(`expected 16 Huffman code counts, got ${counts.length}`);
  }
  let total = 0;
  for (let i = 0; i < 16; i++) total += counts[i]!;
  if (total !== symbols.length || total > 256) {
    throw new Error(`bad Huffman table: counts sum to ${total} for ${symbols.length} symbols`);
  }
  if (isDc) {
    for (let i = 0; i < total; i++) {
      if (symbols[i]! > 15) throw new Error(`bad DC Huffman table: symbol ${symbols[i]} > 15`);
    }
  }
  const fast = new Uint16Array(1 << LOOKAHEAD_BITS);
  const maxCode = new Int32Array(18).fill(-1);
  const valOffset = new Int32Array(18);
  let code = 0;
  let k = 0;
  for (let len = 1; len <= 16; len++) {
    const n = counts[len - 1]!;
    valOffset[len] = k - code;
    for (let i = 0; i < n; i++, k++, code++) {
      if (len <= LOOKAHEAD_BITS) {
        const shift = LOOKAHEAD_BITS - len;
        const first = code << shift;
        fast.fill((len << 8) | symbols[k]!, first, first + (1 << shift));
      }
    }
    if (n > 0) maxCode[len] = code - 1;
    if (code >= 1 << len) {
      throw new Error(`bad Huffman table: ${n} codes of length ${len} overflow the code space`);
    }
    code <<= 1;
  }
  return { fast, maxCode, valOffset, symbols };
}

/**
 * Reads bits MSB-first from an entropy-coded segment, removing stuffed zero bytes. At a marker
 * or the end of the data it feeds zero bits, as libjpeg does, so that look-ahead past the last
 * code works; bits fed that way are counted so a decode that actually consumes them (data cut
 * short) is detected by {@link BitReader.overread} instead of yielding a grey tail.
 */
export class BitReader {
  readonly #data: Uint8Array;
  #pos: number;
  #acc = 0;
  #bits = 0;
  #padBits = 0;
  #stopped = false;

  constructor(data: Uint8Array, pos: number) {
    this.#data = data;
    this.#pos = pos;
  }

  /** Offset of the first byte not yet consumed: the marker the segment stopped at, if any. */
  get pos(): number {
    return this.#pos;
  }

  /** Whether bits beyond the end of the segment's real data have been consumed. */
  overread(): boolean {
    return this.#bits < this.#padBits;
  }

  /** Drops buffered bits and continues at `pos` (after a restart marker). */
  reset(pos: number): void {
    this.#pos = pos;
    this.#acc = 0;
    this.#bits = 0;
    this.#padBits = 0;
    this.#stopped = false;
  }

  #fill(): void {
    const data = this.#data;
    while (this.#bits <= 24) {
      let byte = 0;
      if (!this.#stopped) {
        const p = this.#pos;
        if (p >= data.length) {
          this.#stopped = true;
        } else {
          byte = data[p]!;
          if (byte !== 0xff) {
            this.#pos = p + 1;
          } else {
            // libjpeg treats FF FF ... 00 as one stuffed FF; anything else is a marker.
            let q = p + 1;
            while (q < data.length && data[q] === 0xff) q++;
            if (q < data.length && data[q] === 0) {
              this.#pos = q + 1;
            } else {
              this.#stopped = true;
              byte = 0;
            }
          }
        }
      }
      if (this.#stopped) this.#padBits += 8;
      this.#acc = (this.#acc << 8) | byte;
      this.#bits += 8;
    }
  }

  /** Next Huffman symbol. */
  decode(t: HuffmanTable): number {
    if (this.#bits < 16) this.#fill();
    const e = t.fast[(this.#acc >>> (this.#bits - LOOKAHEAD_BITS)) & ((1 << LOOKAHEAD_BITS) - 1)]!;
    if (e !== 0) {
      this.#bits -= e >> 8;
      return e & 0xff;
    }
    for (let len = LOOKAHEAD_BITS + 1; len <= 16; len++) {
      const code = (this.#acc >>> (this.#bits - len)) & ((1 << len) - 1);
      if (code <= t.maxCode[len]!) {
        this.#bits -= len;
        return t.symbols[code + t.valOffset[len]!]!;
      }
    }
    throw new Error(
      this.#padBits > 0
        ? "JPEG entropy data ends before the image is complete (truncated file?)"
        : "corrupt JPEG entropy data: bit pattern matches no Huffman code",
    );
  }

  /** `n` raw bits (0 <= n <= 16) as an unsigned number. */
  bits(n: number): number {
    if (this.#bits < n) this.#fill();
    this.#bits -= n;
    return (this.#acc >>> this.#bits) & ((1 << n) - 1);
  }

  /** One raw bit. */
  bit(): number {
    if (this.#bits < 1) this.#fill();
    this.#bits--;
    return (this.#acc >>> this.#bits) & 1;
  }

  /** Discards `n` bits (0 <= n <= 16). */
  skip(n: number): void {
    if (this.#bits < n) this.#fill();
    this.#bits -= n;
  }

  /** `n` bits read as a T.81 F.2.2.1 magnitude category value: EXTEND(RECEIVE(n), n). */
  receiveExtend(n: number): number {
    if (n === 0) return 0;
    if (this.#bits < n) this.#fill();
    this.#bits -= n;
    const v = (this.#acc >>> this.#bits) & ((1 << n) - 1);
    return v < 1 << (n - 1) ? v - (1 << n) + 1 : v;
  }
}
