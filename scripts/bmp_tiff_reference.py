#!/usr/bin/python3
"""Makes the fixtures of tests/imaging/bmp_tiff_test.ts and records what the native tool reads
from each: the SHA-256 of cv2.imread(path, cv2.IMREAD_GRAYSCALE).tobytes(), with its size.

Every variant lib/imaging/_bmp.ts and _tiff.ts decode is covered, cut from one real face photo
(61x48: an odd width, so BMP rows need padding and TIFF tiles are clipped). PIL and cv2 write
what they can; the rest (16/32-bit and RLE BMPs, core and V5 headers, top-down rows, tiles,
separate planes, predictors, big-endian and oriented TIFFs) is built byte by byte here, after
the Microsoft "Bitmap Storage" and TIFF 6.0 layouts.

Usage: /usr/bin/python3 scripts/bmp_tiff_reference.py   (needs python3-opencv and python3-pil)
Writes tests/fixtures/bmp_tiff/*.{bmp,tif} and expected.json (size and SHA-256 of the grey).
"""
import hashlib
import json
import os
import struct
import zlib

import cv2
import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures", "bmp_tiff")
SOURCE = os.path.join(HERE, "..", "..", "shared", "datasets", "lfw10", "George_W_Bush",
                      "George_W_Bush_0001.jpg")
W, H = 61, 48


# ---------------------------------------------------------------- BMP


def bmp(pixels, bpp, compression=0, palette=b"", masks=b"", height=H, header=40, colors=0,
        alpha_mask=0):
    """A BMP file: BITMAPFILEHEADER, a DIB header of `header` bytes (12 core, 40 info, 124 V5),
    then masks, palette and pixel data in that order."""
    if header == 12:
        dib = struct.pack("<IHHHH", 12, W, height, 1, bpp)
    else:
        dib = struct.pack("<IiiHHIIiiII", header, W, height, 1, bpp, compression, len(pixels),
                          2835, 2835, colors, 0)
        if header >= 56:  # V3+: the four masks live in the header
            r, g, b = struct.unpack("<III", masks) if masks else (0, 0, 0)
            dib += struct.pack("<IIII", r, g, b, alpha_mask)
            masks = b""
        dib += b"\0" * (header - len(dib))
    offset = 14 + len(dib) + len(masks) + len(palette)
    head = b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset)
    return head + dib + masks + palette + pixels


def rows(samples, top_down=False):
    """Packed rows (one bytes object per image row, top first) padded to 4 bytes, stored
    bottom-up unless `top_down`."""
    out = [r + b"\0" * (-len(r) % 4) for r in samples]
    return b"".join(out if top_down else out[::-1])


def pack_bits(indices, bpp):
    """Palette indices of one row, `bpp` bits each, most significant first."""
    bits = np.unpackbits(indices.astype(np.uint8)[:, None], axis=1)[:, 8 - bpp:]
    return np.packbits(bits.ravel()).tobytes()


def quantize(photo, colors):
    """A palette image: BMP palette (BGR0 entries) and the index array."""
    p = photo.convert("P", palette=Image.ADAPTIVE, colors=colors)
    rgb = np.array(p.getpalette()[:3 * colors], np.uint8).reshape(-1, 3)
    palette = b"".join(bytes([b, g, r, 0]) for r, g, b in rgb)
    return palette, np.array(p)


def rle8_row(row, deltas=()):
    """RLE8 codes for one row: runs of 3+ equal pixels encoded, the rest in absolute runs of 3+
    (shorter leftovers as 1-2 pixel runs). `deltas` holds (x, dx, dy) jumps to insert; after
    one that goes down a row, returns the x at which the next row resumes."""
    out, x, n = bytearray(), 0, len(row)
    jumps = {x0: (dx, dy) for x0, dx, dy in deltas}
    while x < n:
        if x in jumps:
            dx, dy = jumps.pop(x)
            out += bytes([0, 2, dx, dy])
            if dy:
                return out, x + dx  # the rest of this row and the next one's start are skipped
            x += dx
            continue
        run = 1
        while x + run < n and run < 255 and row[x + run] == row[x] and x + run not in jumps:
            run += 1
        if run >= 3 or n - x < 3:
            out += bytes([run, row[x]])
            x += run
            continue
        end = x + 1
        while end < n and end - x < 255 and end not in jumps and not (
                end + 2 < n and row[end] == row[end + 1] == row[end + 2]):
            end += 1
        if end - x < 3:
            out += bytes([1, row[x]])
            x += 1
            continue
        out += bytes([0, end - x]) + bytes(row[x:end]) + (b"\0" if (end - x) % 2 else b"")
        x = end
    return out, None


def rle8(indices, deltas):
    """A bottom-up RLE8 stream; `deltas` maps a stored row to its jumps."""
    out = bytearray()
    stored = indices[::-1]
    y = 0
    while y < len(stored):
        codes, resume = rle8_row(stored[y], deltas.get(y, ()))
        out += codes
        if resume is not None:  # jumped down: the next row goes on from `resume`
            y += 1
            tail, _ = rle8_row(stored[y][resume:])
            out += tail
        out += b"\0\0"
        y += 1
    return bytes(out[:-2]) + b"\0\1"  # the last end-of-line becomes end-of-bitmap


def rle4(indices):
    """A bottom-up RLE4 stream: runs of one colour encoded, the rest absolute, nibble-packed."""
    out = bytearray()
    for row in indices[::-1]:
        x, n = 0, len(row)
        while x < n:
            run = 1
            while x + run < n and run < 255 and row[x + run] == row[x]:
                run += 1
            if run >= 3 or n - x < 3:
                out += bytes([run, (row[x] << 4) | row[x]])
                x += run
                continue
            end = x + 1
            while end < n and end - x < 255 and not (
                    end + 2 < n and row[end] == row[end + 1] == row[end + 2]):
                end += 1
            if end - x < 3:
                out += bytes([1, row[x] << 4])
                x += 1
                continue
            data = pack_bits(row[x:end], 4)
            out += bytes([0, end - x]) + data + (b"\0" if len(data) % 2 else b"")
            x = end
        out += b"\0\0"
    return bytes(out) + b"\0\1"


def bmp_fixtures(photo):
    rgb = np.array(photo)
    bgr = rgb[:, :, ::-1]
    gray = np.array(photo.convert("L"))
    made = {}
    made["bmp24_cv2.bmp"] = lambda p: cv2.imwrite(p, np.ascontiguousarray(bgr))
    made["bmp8_gray_cv2.bmp"] = lambda p: cv2.imwrite(p, gray)
    made["bmp8_palette_pil.bmp"] = lambda p: photo.convert("P", palette=Image.ADAPTIVE).save(p)
    made["bmp1_pil.bmp"] = lambda p: photo.convert("1").save(p)

    def write(name, data):
        made[name] = lambda p: open(p, "wb").write(data)

    bgr_rows = [r.tobytes() for r in np.ascontiguousarray(bgr)]
    write("bmp24_topdown.bmp", bmp(rows(bgr_rows, top_down=True), 24, height=-H))
    write("bmp24_core.bmp", bmp(rows(bgr_rows), 24, header=12))
    write("bmp24_v5.bmp", bmp(rows(bgr_rows), 24, header=124))
    grey_palette = b"".join(bytes([v, v, v, 0]) for v in range(256))
    write("bmp8_gray_topdown.bmp",
          bmp(rows([r.tobytes() for r in gray], top_down=True), 8, palette=grey_palette,
              height=-H))
    palette, idx = quantize(photo, 256)
    write("bmp8_core.bmp", bmp(rows([r.tobytes() for r in idx]), 8, header=12,
                               palette=b"".join(palette[i:i + 3] for i in range(0, 1024, 4))))
    # Only 100 colours declared: indices past them read as black in OpenCV.
    write("bmp8_short_palette.bmp",
          bmp(rows([r.tobytes() for r in idx]), 8, palette=palette[:400], colors=100))
    palette16, idx16 = quantize(photo, 16)
    write("bmp4_palette.bmp", bmp(rows([pack_bits(r, 4) for r in idx16]), 4, palette=palette16))
    write("bmp_rle4.bmp", bmp(rle4(idx16), 4, compression=2, palette=palette16))
    write("bmp_rle8.bmp", bmp(rle8(idx, {}), 8, compression=1, palette=palette))
    # Jumps (skipped pixels take palette entry 0 in OpenCV): 12 right on stored row 5, then
    # 7 right and 1 down on row 20.
    write("bmp_rle8_delta.bmp",
          bmp(rle8(idx, {5: ((10, 12, 0),), 20: ((30, 7, 1),)}), 8, compression=1,
              palette=palette))
    palette2 = bytes([40, 90, 200, 0, 230, 240, 150, 0])  # two colours, BGR0
    write("bmp1_colour.bmp",
          bmp(rows([pack_bits((r > 110).astype(np.uint8), 1) for r in gray]), 1,
              palette=palette2))
    r5, g5, b5 = (rgb[..., 0] >> 3).astype(np.uint16), (rgb[..., 1] >> 3).astype(
        np.uint16), (rgb[..., 2] >> 3).astype(np.uint16)
    g6 = (rgb[..., 1] >> 2).astype(np.uint16)
    px555 = (r5 << 10) | (g5 << 5) | b5
    px565 = (r5 << 11) | (g6 << 5) | b5
    write("bmp16_555.bmp", bmp(rows([r.astype("<u2").tobytes() for r in px555]), 16))
    write("bmp16_565.bmp", bmp(rows([r.astype("<u2").tobytes() for r in px565]), 16,
                               compression=3, masks=struct.pack("<III", 0xf800, 0x7e0, 0x1f)))
    # 32-bit: a left-to-right alpha ramp, which OpenCV's grey ignores.
    alpha = np.linspace(0, 255, W).astype(np.uint8)[None, :].repeat(H, 0)
    bgra = np.dstack([bgr, alpha])
    rgba = np.dstack([rgb, alpha])
    write("bmp32.bmp", bmp(rows([r.tobytes() for r in bgra]), 32))
    write("bmp32_bitfields.bmp",
          bmp(rows([r.tobytes() for r in bgra]), 32, compression=3,
              masks=struct.pack("<III", 0xff0000, 0xff00, 0xff)))
    # Bytes in R, G, B, A order with masks saying so: OpenCV ignores the masks.
    write("bmp32_rgba_masks.bmp",
          bmp(rows([r.tobytes() for r in rgba]), 32, compression=3,
              masks=struct.pack("<III", 0xff, 0xff00, 0xff0000)))
    write("bmp32_v5_alpha.bmp",
          bmp(rows([r.tobytes() for r in bgra]), 32, compression=3, header=124,
              masks=struct.pack("<III", 0xff0000, 0xff00, 0xff), alpha_mask=0xff000000))
    return made


# ---------------------------------------------------------------- TIFF

TYPE_CODES = {3: "H", 4: "I"}


def tiff(tags, chunks, big_endian=False, tiled=False):
    """A one-IFD TIFF: header, IFD (tags in `tags` as {tag: (type, values)} plus the chunk
    offsets and byte counts), out-of-line values, then the strips or tiles."""
    o = ">" if big_endian else "<"
    tags = dict(tags)
    offsets_tag, counts_tag = (324, 325) if tiled else (273, 279)
    tags[counts_tag] = (4, [len(c) for c in chunks])
    tags[offsets_tag] = (4, [0] * len(chunks))
    ifd_size = 2 + 12 * len(tags) + 4

    def blob(tag):
        t, values = tags[tag]
        return struct.pack(o + TYPE_CODES[t] * len(values), *values)

    extra = sum(len(blob(t)) for t in tags if len(blob(t)) > 4)
    at = 8 + ifd_size + extra
    offsets = []
    for c in chunks:
        offsets.append(at)
        at += len(c)
    tags[offsets_tag] = (4, offsets)
    entries, data = b"", b""
    for tag in sorted(tags):
        t, values = tags[tag]
        raw = blob(tag)
        if len(raw) <= 4:
            value = raw + b"\0" * (4 - len(raw))
        else:
            value = struct.pack(o + "I", 8 + ifd_size + len(data))
            data += raw
        entries += struct.pack(o + "HHI", tag, t, len(values)) + value
    head = (b"MM" if big_endian else b"II") + struct.pack(o + "HI", 42, 8)
    return head + struct.pack(o + "H", len(tags)) + entries + struct.pack(o + "I", 0) + data + \
        b"".join(chunks)


def base_tags(bps, spp, photometric, compression=1, rows_per_strip=H, width=W, height=H):
    return {256: (4, [width]), 257: (4, [height]), 258: (3, [bps] * spp), 259: (3, [compression]),
            262: (3, [photometric]), 277: (3, [spp]), 278: (4, [rows_per_strip]), 284: (3, [1])}


def packbits(data):
    """PackBits (TIFF 6.0 section 9): repeats of 2+ bytes as runs, the rest literal."""
    out, i = bytearray(), 0
    while i < len(data):
        j = i
        while j + 1 < len(data) and data[j + 1] == data[i] and j - i < 127:
            j += 1
        if j > i:
            out += bytes([257 - (j - i + 1), data[i]])
            i = j + 1
            continue
        k = i
        while k < len(data) and k - i < 128 and not (k + 1 < len(data) and data[k + 1] == data[k]):
            k += 1
        out += bytes([k - i - 1]) + data[i:k]
        i = k
    return bytes(out)


def difference(samples, spp):
    """Horizontal differencing (TIFF 6.0 section 14) along each row of interleaved samples."""
    d = samples.astype(np.int64)
    d[:, spp:] = samples[:, spp:].astype(np.int64) - samples[:, :-spp].astype(np.int64)
    return (d & np.iinfo(samples.dtype).max).astype(samples.dtype)


def tiff_fixtures(photo):
    rgb = np.array(photo)
    gray = np.array(photo.convert("L"))
    made = {}
    for mode, label in (("L", "gray"), ("RGB", "rgb")):
        for compression, suffix in (("raw", "raw"), ("tiff_lzw", "lzw"),
                                    ("tiff_adobe_deflate", "deflate"), ("packbits", "packbits")):
            made[f"tiff_{label}_{suffix}.tif"] = (
                lambda p, m=mode, c=compression: photo.convert(m).save(p, compression=c))
    made["tiff_palette_pil.tif"] = lambda p: photo.convert("P", palette=Image.ADAPTIVE).save(
        p, compression="tiff_lzw")
    made["tiff_bilevel_pil.tif"] = lambda p: photo.convert("1").save(p)
    ramp = np.linspace(0, 255, W).astype(np.uint8)[None, :].repeat(H, 0)
    made["tiff_gray_alpha_pil.tif"] = lambda p: Image.fromarray(np.dstack([gray, ramp]),
                                                                "LA").save(p)
    made["tiff_cmyk_pil.tif"] = lambda p: photo.convert("CMYK").save(p, compression="packbits")
    # RGBA with unassociated alpha (PIL writes ExtraSamples 2): libtiff premultiplies.
    made["tiff_rgba_pil.tif"] = lambda p: Image.fromarray(np.dstack([rgb, ramp])).save(
        p, compression="tiff_adobe_deflate")
    made["tiff_multipage_pil.tif"] = lambda p: photo.save(
        p, save_all=True, append_images=[photo.transpose(Image.FLIP_LEFT_RIGHT)],
        compression="tiff_adobe_deflate")
    # OpenCV's own writer: LZW with horizontal differencing, 44-row strips.
    made["tiff_rgb_cv2.tif"] = lambda p: cv2.imwrite(p, np.ascontiguousarray(rgb[:, :, ::-1]))
    made["tiff_gray_cv2.tif"] = lambda p: cv2.imwrite(p, gray)
    # 16 bits: grey keeps its high byte, RGB is rounded by (v + 128) / 257.
    wide = np.minimum(rgb.astype(np.uint32) * 257 + np.arange(W)[None, :, None] * 3,
                      65535).astype(np.uint16)
    made["tiff_rgb16_cv2.tif"] = lambda p: cv2.imwrite(p, np.ascontiguousarray(wide[:, :, ::-1]))
    gray16 = gray.astype(np.uint16) * 256 + np.arange(W, dtype=np.uint16)[None, :] * 4
    made["tiff_gray16_pil.tif"] = lambda p: Image.frombytes(
        "I;16", (W, H), gray16.astype("<u2").tobytes()).save(p)

    def write(name, data):
        made[name] = lambda p: open(p, "wb").write(data)

    write("tiff_gray16_be_deflate.tif", tiff(
        {**base_tags(16, 1, 1, compression=8), 317: (3, [2])},
        [zlib.compress(difference(gray16, 1).astype(">u2").tobytes())], big_endian=True))
    write("tiff_miniswhite.tif", tiff(base_tags(8, 1, 0), [(255 - gray).tobytes()]))
    # RGB, big-endian, 7-row Deflate strips with horizontal differencing.
    flat = rgb.reshape(H, W * 3)
    write("tiff_rgb_strips_be.tif", tiff(
        {**base_tags(8, 3, 2, compression=32946, rows_per_strip=7), 317: (3, [2])},
        [zlib.compress(difference(flat[y:y + 7], 3).tobytes()) for y in range(0, H, 7)],
        big_endian=True))
    # Separate planes (PlanarConfiguration 2), PackBits, 16-row strips.
    planes = [packbits(rgb[y:y + 16, :, c].tobytes()) for c in range(3) for y in range(0, H, 16)]
    write("tiff_rgb_planar.tif", tiff(
        {**base_tags(8, 3, 2, compression=32773, rows_per_strip=16), 284: (3, [2])}, planes))
    # 16x16 Deflate tiles: the right column of tiles is clipped (61 = 3 * 16 + 13).
    tiles = []
    for ty in range(0, H, 16):
        for tx in range(0, W, 16):
            tile = np.zeros((16, 16, 3), np.uint8)
            block = rgb[ty:ty + 16, tx:tx + 16]
            tile[:block.shape[0], :block.shape[1]] = block
            tiles.append(zlib.compress(tile.tobytes()))
    tiled_tags = base_tags(8, 3, 2, compression=8)
    del tiled_tags[278]
    write("tiff_rgb_tiled.tif", tiff({**tiled_tags, 322: (3, [16]), 323: (3, [16])}, tiles,
                                     tiled=True))
    # A palette whose entries all stay below 256: libtiff takes it as an 8-bit colormap.
    p = photo.convert("P", palette=Image.ADAPTIVE)
    pal = np.array(p.getpalette()[:768], np.uint16).reshape(-1, 3)
    cmap = list(pal[:, 0]) + list(pal[:, 1]) + list(pal[:, 2])
    write("tiff_palette_8bit_cmap.tif",
          tiff({**base_tags(8, 1, 3), 320: (3, [int(v) for v in cmap])}, [np.array(p).tobytes()]))
    # FillOrder 2 (least significant bit first), uncompressed, 16-row strips.
    reverse = np.array([int(f"{b:08b}"[::-1], 2) for b in range(256)], np.uint8)
    write("tiff_fillorder2.tif", tiff({**base_tags(8, 1, 1, rows_per_strip=16), 266: (3, [2])},
                                      [reverse[gray[y:y + 16]].tobytes() for y in range(0, H, 16)]))
    # Orientation 6 (rotate 90 degrees clockwise to view): cv2 turns it upright, 48x61.
    write("tiff_orientation6.tif", tiff({**base_tags(8, 1, 1), 274: (3, [6])}, [gray.tobytes()]))
    return made


def main():
    os.makedirs(OUT, exist_ok=True)
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))
    photo = Image.open(SOURCE).convert("RGB").crop((95, 90, 95 + W, 90 + H))
    made = {**bmp_fixtures(photo), **tiff_fixtures(photo)}
    expected = {}
    for name, make in made.items():
        path = os.path.join(OUT, name)
        make(path)
        gray = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
        if gray is None:
            raise SystemExit(f"cv2 cannot read {name}: fix the fixture")
        expected[name] = {"width": int(gray.shape[1]), "height": int(gray.shape[0]),
                          "sha256": hashlib.sha256(gray.tobytes()).hexdigest()}
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")
    size = sum(os.path.getsize(os.path.join(OUT, n)) for n in os.listdir(OUT))
    print(f"wrote {len(expected)} fixtures ({size // 1024} KiB) to {OUT}")


if __name__ == "__main__":
    main()
