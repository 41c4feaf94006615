/**
 * A JPEG decoder that outputs only the luma (Y) plane, bit-exactly as libjpeg(-turbo) produces it
 * for `out_color_space = JCS_GRAYSCALE` with the default integer IDCT, i.e. what
 * `cv2.imread(path, IMREAD_GRAYSCALE)` returns. Follows ITU T.81 (ISO/IEC 10918-1) for the
 * syntax and Huffman decoding, and libjpeg's "islow" IDCT, the Loeffler-Ligtenberg-Moschytz
 * algorithm (ICASSP 1989) in 13-bit fixed point, for the samples (see `_jpeg_idct.ts`).
 *
 * Greyscale output from a YCbCr file is just the Y component, and when Y has the largest
 * sampling factors libjpeg neither up- nor down-samples it, so no colour or resampling
 * arithmetic has to be reproduced. Files where that is not the case, and codings not
 * implemented here, make the decoder decline (return `undefined`) so the caller can fall back.
 * @module
 */
import type { GrayImage } from "./image.ts";
import { buildHuffmanTable, type HuffmanTable } from "./_jpeg_huffman.ts";
import { type Component, decodeScan, type Scan, transformAll, ZIGZAG } from "./_jpeg_scan.ts";

/** Valid progressive files have about ten scans; this only stops a file from looping us. */
const MAX_SCANS = 1000;

interface Frame {
  readonly width: number;
  readonly height: number;
  readonly progressive: boolean;
  readonly comps: readonly Component[];
  readonly mcusX: number;
  readonly mcusY: number;
  readonly plane: Uint8Array;
  readonly planeStride: number;
}

/** Markers that start a frame this decoder does not implement (T.81 table B.1). */
function isUnsupportedSof(m: number): boolean {
  // SOF3 lossless, SOF5-7 hierarchical, JPG (0xC8), SOF9-11 and SOF13-15 arithmetic.
  return m === 0xc3 || (m >= 0xc5 && m <= 0xcb) || (m >= 0xcd && m <= 0xcf);
}

/**
 * Decodes the luma plane of a JPEG, bit-exact with libjpeg's greyscale output (islow IDCT,
 * ITU T.81 sequential and progressive Huffman coding). Pixels are in stored order (EXIF
 * orientation is not applied).
 *
 * Returns `undefined` for files it cannot reproduce exactly: arithmetic coding, lossless,
 * hierarchical, 12-bit, 2- or 4-component, RGB-coded (Adobe transform 0 or "RGB" component
 * ids), luma not at the largest sampling factors, missing Huffman tables (libjpeg would use
 * the standard ones) and progressive files whose low AC bands never complete (libjpeg then
 * smooths blocks). Throws an `Error` for malformed or truncated data, and before allocating
 * anything large if `width * height > maxPixels`.
 */
export function decodeJpegLumaExact(bytes: Uint8Array, maxPixels: number): GrayImage | undefined {
  if (bytes.length < 2 || bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    throw new Error(`not a JPEG: expected SOI marker FFD8, got ${hex(bytes, 0, 2)}`);
  }
  const quant: (Int32Array | undefined)[] = [undefined, undefined, undefined, undefined];
  const dcTables: (HuffmanTable | undefined)[] = [undefined, undefined, undefined, undefined];
  const acTables: (HuffmanTable | undefined)[] = [undefined, undefined, undefined, undefined];
  let frame: Frame | undefined;
  let restartInterval = 0;
  let sawJfif = false;
  let adobeTransform = -1;
  let scans = 0;
  let sawEoi = false;
  let pos = 2;
  for (;;) {
    const at = findMarker(bytes, pos);
    if (at < 0) break;
    const marker = bytes[at]!;
    pos = at + 1;
    if (marker === 0xd9) {
      sawEoi = true;
      break;
    }
    // Parameterless markers, ignored between segments as libjpeg does.
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue;
    if (marker === 0xd8) throw new Error("corrupt JPEG: second SOI marker");
    if (pos + 2 > bytes.length) throw new Error(`JPEG marker FF${hex1(marker)} has no length`);
    const len = (bytes[pos]! << 8) | bytes[pos + 1]!;
    const end = pos + len;
    if (len < 2 || end > bytes.length) {
      throw new Error(
        `JPEG segment FF${hex1(marker)} length ${len} exceeds the ${bytes.length - pos} bytes left`,
      );
    }
    const body = pos + 2;
    pos = end;
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      if (frame) throw new Error("corrupt JPEG: more than one SOF marker");
      const f = parseFrame(bytes, body, end, marker === 0xc2, maxPixels);
      if (!f) return undefined;
      frame = f;
    } else if (isUnsupportedSof(marker)) {
      return undefined;
    } else if (marker === 0xc4) {
      parseHuffman(bytes, body, end, dcTables, acTables);
    } else if (marker === 0xdb) {
      parseQuant(bytes, body, end, quant);
    } else if (marker === 0xdd) {
      if (len !== 4) throw new Error(`expected DRI length 4, got ${len}`);
      restartInterval = (bytes[body]! << 8) | bytes[body + 1]!;
    } else if (marker === 0xe0) {
      // libjpeg recognises JFIF only with the full 14-byte header.
      if (len - 2 >= 14 && ascii(bytes, body, 5) === "JFIF\0") sawJfif = true;
    } else if (marker === 0xee) {
      if (len - 2 >= 12 && ascii(bytes, body, 5) === "Adobe") adobeTransform = bytes[body + 11]!;
    } else if (marker === 0xda) {
      if (!frame) throw new Error("corrupt JPEG: SOS before SOF");
      if (++scans > MAX_SCANS) throw new Error(`JPEG has more than ${MAX_SCANS} scans`);
      if (scans === 1 && frame.comps.length === 3 && isRgb(frame, sawJfif, adobeTransform)) {
        return undefined; // libjpeg converts RGB to grey with weights; not reproduced here
      }
      const scan = parseScan(bytes, body, end, frame, restartInterval, quant, dcTables, acTables);
      if (!scan) return undefined;
      pos = decodeScan(bytes, end, scan);
    } else if (
      (marker >= 0xe1 && marker <= 0xef) || marker === 0xfe || marker === 0xcc || marker === 0xdc
    ) {
      // APPn, COM, DAC, DNL: nothing the luma depends on.
    } else {
      throw new Error(`corrupt JPEG: unknown marker FF${hex1(marker)}`);
    }
  }
  return finish(frame, scans, sawEoi);
}

function finish(frame: Frame | undefined, scans: number, sawEoi: boolean): GrayImage | undefined {
  if (!frame) throw new Error("corrupt JPEG: no SOF marker before end of data");
  if (scans === 0) throw new Error("corrupt JPEG: no scan (SOS) before end of data");
  const luma = frame.comps[0]!;
  if (frame.progressive) {
    if (!sawEoi) throw new Error("expected EOI marker, got end of data (truncated JPEG)");
    if (luma.coefBits[0]! < 0) throw new Error("corrupt JPEG: no scan carries the luma DC");
    // libjpeg-turbo block-smooths while any of the first 9 AC coefficients (or DC) is still
    // approximate; that output is not reproduced.
    for (let k = 0; k < 10; k++) if (luma.coefBits[k] !== 0) return undefined;
    transformAll(luma, frame.plane, frame.planeStride);
  } else {
    if (luma.scans === 0) throw new Error("corrupt JPEG: no scan carries the luma component");
    if (!sawEoi && frame.comps.some((c) => c.scans === 0)) {
      throw new Error("expected EOI marker, got end of data (truncated JPEG)");
    }
  }
  const { width, height, plane, planeStride } = frame;
  if (planeStride === width) return { width, height, data: plane.subarray(0, width * height) };
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    data.set(plane.subarray(y * planeStride, y * planeStride + width), y * width);
  }
  return { width, height, data };
}

/** Offset of the next marker code after `pos`, skipping stray bytes as libjpeg does; -1 at end. */
function findMarker(bytes: Uint8Array, pos: number): number {
  for (let p = pos; p < bytes.length; p++) {
    if (bytes[p] !== 0xff) continue;
    let q = p + 1;
    while (q < bytes.length && bytes[q] === 0xff) q++;
    if (q >= bytes.length) return -1;
    if (bytes[q] !== 0) return q;
    p = q;
  }
  return -1;
}

function parseFrame(
  bytes: Uint8Array,
  p: number,
  end: number,
  progressive: boolean,
  maxPixels: number,
): Frame | undefined {
  if (end - p < 6) throw new Error(`expected SOF length >= 8, got ${end - p + 2}`);
  const precision = bytes[p]!;
  const height = (bytes[p + 1]! << 8) | bytes[p + 2]!;
  const width = (bytes[p + 3]! << 8) | bytes[p + 4]!;
  const n = bytes[p + 5]!;
  if (end - p !== 6 + 3 * n) {
    throw new Error(`expected SOF length ${8 + 3 * n} for ${n} components, got ${end - p + 2}`);
  }
  if (precision === 12) return undefined;
  if (precision !== 8) throw new Error(`expected 8-bit JPEG samples, got ${precision}-bit`);
  if (width === 0 || height === 0) {
    throw new Error(`JPEG size ${width}x${height} is empty (DNL height is not supported)`);
  }
  if (n === 0) throw new Error("corrupt JPEG: frame has no components");
  if (width * height > maxPixels) {
    throw new Error(`JPEG is ${width}x${height}, more than the limit of ${maxPixels} pixels`);
  }
  if (n !== 1 && n !== 3) return undefined;
  let hMax = 1, vMax = 1;
  const raw: { id: number; h: number; v: number; tq: number }[] = [];
  for (let i = 0; i < n; i++) {
    const q = p + 6 + 3 * i;
    const h = bytes[q + 1]! >> 4, v = bytes[q + 1]! & 15, tq = bytes[q + 2]!;
    if (h < 1 || h > 4 || v < 1 || v > 4) {
      throw new Error(`expected sampling factors 1..4, got ${h}x${v} for component ${i}`);
    }
    if (tq > 3) throw new Error(`expected quantisation table 0..3, got ${tq}`);
    hMax = Math.max(hMax, h);
    vMax = Math.max(vMax, v);
    raw.push({ id: bytes[q]!, h, v, tq });
  }
  // Luma below the largest factors would be upsampled by libjpeg (not reproduced).
  if (raw[0]!.h !== hMax || raw[0]!.v !== vMax) return undefined;
  const mcusX = Math.ceil(width / (8 * hMax));
  const mcusY = Math.ceil(height / (8 * vMax));
  const comps: Component[] = raw.map((c) => {
    const stride = mcusX * c.h;
    const rows = mcusY * c.v;
    return {
      ...c,
      blocksW: Math.ceil((width * c.h) / (8 * hMax)),
      blocksH: Math.ceil((height * c.v) / (8 * vMax)),
      stride,
      coefs: progressive ? new Int16Array(stride * rows * 64) : undefined,
      coefBits: new Int8Array(64).fill(-1),
      quant: undefined,
      pred: 0,
      dcTable: undefined,
      acTable: undefined,
      scans: 0,
    };
  });
  const planeStride = mcusX * hMax * 8;
  const plane = new Uint8Array(planeStride * mcusY * vMax * 8);
  return { width, height, progressive, comps, mcusX, mcusY, plane, planeStride };
}

/** libjpeg's colour-space guess for a 3-component file (default_decompress_parms, jdapimin.c). */
function isRgb(frame: Frame, sawJfif: boolean, adobeTransform: number): boolean {
  if (sawJfif) return false;
  if (adobeTransform >= 0) return adobeTransform === 0;
  const [a, b, c] = frame.comps;
  return a!.id === 0x52 && b!.id === 0x47 && c!.id === 0x42; // "R", "G", "B"
}

function parseHuffman(
  bytes: Uint8Array,
  p: number,
  end: number,
  dcTables: (HuffmanTable | undefined)[],
  acTables: (HuffmanTable | undefined)[],
): void {
  while (p < end) {
    const tc = bytes[p]! >> 4, th = bytes[p]! & 15;
    if (tc > 1 || th > 3) {
      throw new Error(`expected Huffman table class 0..1 and id 0..3, got ${tc}/${th}`);
    }
    if (p + 17 > end) throw new Error("corrupt JPEG: DHT segment ends inside the code counts");
    const counts = bytes.subarray(p + 1, p + 17);
    let total = 0;
    for (let i = 0; i < 16; i++) total += counts[i]!;
    p += 17;
    if (total > 256 || p + total > end) {
      throw new Error(`corrupt JPEG: DHT declares ${total} symbols, ${end - p} bytes left`);
    }
    const table = buildHuffmanTable(counts, bytes.slice(p, p + total), tc === 0);
    (tc === 0 ? dcTables : acTables)[th] = table;
    p += total;
  }
}

function parseQuant(bytes: Uint8Array, p: number, end: number, quant: (Int32Array | undefined)[]) {
  while (p < end) {
    const pq = bytes[p]! >> 4, tq = bytes[p]! & 15;
    if (pq > 1 || tq > 3) {
      throw new Error(`expected DQT precision 0..1 and id 0..3, got ${pq}/${tq}`);
    }
    p++;
    if (p + (pq ? 128 : 64) > end) throw new Error("corrupt JPEG: DQT segment ends inside a table");
    const table = new Int32Array(64);
    for (let k = 0; k < 64; k++) {
      const v = pq ? (bytes[p + 2 * k]! << 8) | bytes[p + 2 * k + 1]! : bytes[p + k]!;
      // libjpeg-turbo keeps islow multipliers as 16-bit signed values.
      table[ZIGZAG[k]!] = (v << 16) >> 16;
    }
    quant[tq] = table;
    p += pq ? 128 : 64;
  }
}

function parseScan(
  bytes: Uint8Array,
  p: number,
  end: number,
  frame: Frame,
  restartInterval: number,
  quant: (Int32Array | undefined)[],
  dcTables: (HuffmanTable | undefined)[],
  acTables: (HuffmanTable | undefined)[],
): Scan | undefined {
  const n = end > p ? bytes[p]! : 0;
  if (n < 1 || n > 4 || end - p !== 4 + 2 * n) {
    throw new Error(
      `expected SOS with 1..4 components and length ${6 + 2 * n}, got ${end - p + 2}`,
    );
  }
  const ss = bytes[p + 1 + 2 * n]!, se = bytes[p + 2 + 2 * n]!;
  const ah = bytes[p + 3 + 2 * n]! >> 4, al = bytes[p + 3 + 2 * n]! & 15;
  const { progressive } = frame;
  if (progressive) {
    const bad = (ss === 0 ? se !== 0 : ss > se || se > 63 || n !== 1) ||
      (ah !== 0 && al !== ah - 1) || al > 13;
    if (bad) {
      throw new Error(`corrupt JPEG: invalid progressive scan Ss=${ss} Se=${se} Ah=${ah} Al=${al}`);
    }
  }
  const comps: Component[] = [];
  let blocks = 0;
  for (let i = 0; i < n; i++) {
    const id = bytes[p + 1 + 2 * i]!, tables = bytes[p + 2 + 2 * i]!;
    const c = frame.comps.find((x) => x.id === id);
    if (!c) throw new Error(`corrupt JPEG: scan names component ${id}, not in the frame`);
    if (comps.includes(c)) throw new Error(`corrupt JPEG: component ${id} twice in one scan`);
    const td = tables >> 4, ta = tables & 15;
    if (td > 3 || ta > 3) throw new Error(`expected Huffman table ids 0..3, got ${td}/${ta}`);
    const needDc = !progressive || (ss === 0 && ah === 0);
    const needAc = !progressive || ss > 0;
    // libjpeg-turbo substitutes the T.81 K.3 tables for missing ones (Motion-JPEG).
    if ((needDc && !dcTables[td]) || (needAc && !acTables[ta])) return undefined;
    c.dcTable = dcTables[td];
    c.acTable = acTables[ta];
    if (!c.quant) {
      const q = quant[c.tq];
      if (!q) throw new Error(`corrupt JPEG: quantisation table ${c.tq} is not defined`);
      c.quant = q.slice();
    }
    comps.push(c);
    blocks += c.h * c.v;
  }
  if (n > 1 && blocks > 10) throw new Error(`corrupt JPEG: ${blocks} blocks per MCU, limit 10`);
  for (const c of comps) {
    c.scans++;
    c.pred = 0;
    if (!progressive) {
      if (c.scans > 1) throw new Error(`corrupt JPEG: component ${c.id} in two sequential scans`);
      continue;
    }
    if (ss > 0 && c.coefBits[0]! < 0) {
      throw new Error(`corrupt JPEG: AC scan of component ${c.id} before its DC scan`);
    }
    for (let k = ss; k <= se; k++) {
      const expected = Math.max(0, c.coefBits[k]!);
      if (ah !== expected) {
        throw new Error(
          `corrupt JPEG progression: component ${c.id} coefficient ${k} ` +
            `expected Ah=${expected}, got ${ah}`,
        );
      }
      c.coefBits[k] = al;
    }
  }
  return {
    comps,
    ss,
    se,
    ah,
    al,
    progressive,
    restartInterval,
    mcusX: frame.mcusX,
    mcusY: frame.mcusY,
    luma: frame.comps[0]!,
    plane: frame.plane,
    planeStride: frame.planeStride,
  };
}

function ascii(bytes: Uint8Array, p: number, n: number): string {
  return String.fromCharCode(...bytes.subarray(p, p + n));
}

function hex1(b: number): string {
  return b.toString(16).toUpperCase().padStart(2, "0");
}

function hex(bytes: Uint8Array, p: number, n: number): string {
  const part = Array.from(bytes.subarray(p, p + n), hex1).join("");
  return part === "" ? "end of data" : part;
}
